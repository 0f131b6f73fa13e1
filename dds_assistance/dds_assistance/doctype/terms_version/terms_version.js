// Copyright (c) 2026, 3D Dental Store and contributors
// For license information, please see license.txt

frappe.ui.form.on("Terms Version", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.published_on) return;
		frm.add_custom_button(__("Inform the Clients"), () =>
			frappe.confirm(__("Send this version to every client (portal notice and e-mail)?"), () =>
				frappe
					.call({ method: "dds_assistance.api.terms.publish_terms", args: { terms_version: frm.doc.name }, freeze: true })
					.then((r) => {
						frappe.show_alert(
							__("{0} clients are being informed in the background.", [r.message.to_inform])
						);
						frm.reload_doc();
					})
			)
		);
	},
});
