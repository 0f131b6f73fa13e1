// Copyright (c) 2026, 3D Dental Store and contributors
// For license information, please see license.txt

const DDS_SUB_API = "dds_assistance.api.subscription.";

frappe.ui.form.on("Premium Subscription", {
	refresh(frm) {
		if (frm.is_new()) return;
		if (frm.doc.notice_deadline && ["Active", "Suspended", "Scheduled"].includes(frm.doc.status)) {
			frm.dashboard.set_headline(
				__("Notice deadline for the current term: {0} (the term ends on {1}).", [
					frappe.datetime.str_to_user(frm.doc.notice_deadline),
					frappe.datetime.str_to_user(frm.doc.current_term_end),
				]),
				"blue"
			);
		}
		if (frm.doc.status === "Notice Given") {
			frm.dashboard.set_headline(
				__("Notice given: the subscription ends on {0}.", [frappe.datetime.str_to_user(frm.doc.ends_on)]),
				"orange"
			);
			frm.add_custom_button(__("Withdraw Notice"), () =>
				frappe.confirm(__("Withdraw the client's notice? The plan will renew at its term."), () =>
					dds_sub_call(frm, "withdraw_notice", {})
				)
			);
		}
		if (["Active", "Suspended", "Scheduled"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Record Notice"), () => dds_notice_dialog(frm));
		}
		if (
			!frm.doc.breach_effective_on &&
			!["Ended", "Terminated for Breach"].includes(frm.doc.status) &&
			(frappe.user.has_role("Assistance Manager") || frappe.user.has_role("System Manager"))
		) {
			frm.add_custom_button(__("Terminate for Breach"), () => dds_breach_dialog(frm));
		}
	},
});

function dds_sub_call(frm, method, args) {
	return frappe
		.call({ method: DDS_SUB_API + method, args: Object.assign({ subscription: frm.doc.name }, args), freeze: true })
		.then(() => frm.reload_doc());
}

function dds_notice_dialog(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Record the Client's Written Notice"),
		fields: [
			{ fieldname: "received_on", fieldtype: "Date", label: __("Notice Received On"), reqd: 1, default: frappe.datetime.get_today() },
			{ fieldname: "channel", fieldtype: "Select", label: __("Notice Channel"), options: ["Letter", "E-mail", "Portal"], reqd: 1 },
			{ fieldname: "reason", fieldtype: "Select", label: __("Notice Reason"), options: ["Client decision", "Refusal of new terms"], reqd: 1 },
			{ fieldname: "note", fieldtype: "Small Text", label: __("Note") },
			{ fieldname: "preview", fieldtype: "HTML" },
		],
		primary_action_label: __("Record Notice"),
		primary_action(values) {
			dialog.hide();
			dds_sub_call(frm, "give_notice", values);
		},
	});
	const preview = () =>
		frappe
			.call(DDS_SUB_API + "notice_preview", { subscription: frm.doc.name, received_on: dialog.get_value("received_on") })
			.then((r) =>
				dialog.fields_dict.preview.$wrapper.html(
					`<p class="text-muted">${__("The subscription would end on {0}.", [frappe.datetime.str_to_user(r.message.effective_end)])}</p>`
				)
			);
	dialog.fields_dict.received_on.df.onchange = preview;
	dialog.show();
	preview();
}

function dds_breach_dialog(frm) {
	frappe.prompt(
		[
			{ fieldname: "effective_on", fieldtype: "Date", label: __("Terminated From"), reqd: 1, default: frappe.datetime.get_today() },
			{ fieldname: "reason", fieldtype: "Small Text", label: __("Breach and Facts"), reqd: 1 },
		],
		(values) => dds_sub_call(frm, "terminate_for_breach", values),
		__("Terminate for Breach"),
		__("Terminate")
	);
}
