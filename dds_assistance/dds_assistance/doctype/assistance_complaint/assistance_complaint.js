// Copyright (c) 2026, 3D Dental Store and contributors
// For license information, please see license.txt

frappe.ui.form.on("Assistance Complaint", {
	refresh(frm) {
		if (frm.is_new()) return;
		const call = (method, args) =>
			frappe
				.call({ method: "dds_assistance.api.complaint." + method, args: Object.assign({ complaint: frm.doc.name }, args), freeze: true })
				.then(() => frm.reload_doc());
		if (!frm.doc.acknowledged_on) {
			frm.add_custom_button(__("Acknowledge"), () => call("acknowledge_complaint", {})).addClass("btn-primary");
		}
		if (!frm.doc.answered_on) {
			frm.add_custom_button(__("Answer"), () =>
				frappe.prompt({ fieldname: "answer", fieldtype: "Text Editor", label: __("Answer"), reqd: 1 }, (v) => call("answer_complaint", v), __("Answer the Complaint"))
			);
		}
		const colors = { "On Track": "blue", "At Risk": "orange", Overdue: "red", Done: "green" };
		if (frm.doc.ack_state && frm.doc.ack_state !== "Done") {
			frm.dashboard.set_headline(
				__("Acknowledgement due by {0}.", [frappe.datetime.str_to_user(frm.doc.ack_due)]),
				colors[frm.doc.ack_state]
			);
		}
	},
});
