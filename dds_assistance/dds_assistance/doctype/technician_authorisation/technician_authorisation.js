// Copyright (c) 2026, 3D Dental Store and contributors
// For license information, please see license.txt

frappe.ui.form.on("Technician Authorisation", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.revoked_on) return;
		if (frappe.user.has_role("Assistance Manager") || frappe.user.has_role("System Manager")) {
			frm.add_custom_button(__("Revoke"), () =>
				frappe.prompt(
					{ fieldname: "reason", fieldtype: "Small Text", label: __("Revocation Reason"), reqd: 1 },
					(values) =>
						frappe
							.call("dds_assistance.api.remote_session.revoke_authorisation", { authorisation: frm.doc.name, reason: values.reason })
							.then(() => frm.reload_doc()),
					__("Revoke the Authorisation"),
					__("Revoke")
				)
			);
		}
	},
});
