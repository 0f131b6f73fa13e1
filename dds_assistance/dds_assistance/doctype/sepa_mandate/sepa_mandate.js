// Copyright (c) 2026, 3D Dental Store and contributors
// For license information, please see license.txt

frappe.ui.form.on("SEPA Mandate", {
	refresh(frm) {
		if (!frm.is_new() && frm.doc.status === "Active" && !frm.doc.revoked_on) {
			frm.add_custom_button(__("Record a Revocation"), () =>
				frappe.prompt(
					{ fieldname: "note", fieldtype: "Small Text", label: __("How the client revoked it"), reqd: 1 },
					(values) =>
						frappe.call({
							method: "dds_assistance.api.direct_debit.revoke_mandate",
							args: { mandate: frm.doc.name, note: values.note },
							callback: () => frm.reload_doc(),
						}),
					__("Revoke the Mandate")
				)
			);
		}
	},
});
