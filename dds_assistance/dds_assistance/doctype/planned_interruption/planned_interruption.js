// Copyright (c) 2026, 3D Dental Store and contributors
// For license information, please see license.txt

frappe.ui.form.on("Planned Interruption", {
	refresh(frm) {
		if (frm.is_new() || !(frappe.user.has_role("Assistance Manager") || frappe.user.has_role("System Manager"))) return;
		if (frm.doc.status === "Draft") {
			frm.add_custom_button(__("Announce to Clients"), () =>
				frappe.confirm(__("Tell every client with an open request or a live plan, and move the deadlines it overlaps?"), () =>
					frappe
						.call({ method: "dds_assistance.api.interruption.announce", args: { interruption: frm.doc.name }, freeze: true })
						.then(() => frm.reload_doc()))
			).addClass("btn-primary");
		}
		if (frm.doc.status === "Announced") {
			frm.add_custom_button(__("Cancel the Interruption"), () =>
				frappe.prompt(
					{ fieldname: "note", fieldtype: "Small Text", label: __("Note") },
					(values) =>
						frappe
							.call({ method: "dds_assistance.api.interruption.cancel", args: { interruption: frm.doc.name, note: values.note }, freeze: true })
							.then(() => frm.reload_doc()),
					__("Cancel the Interruption"),
					__("Cancel It")
				)
			);
		}
	},
});
