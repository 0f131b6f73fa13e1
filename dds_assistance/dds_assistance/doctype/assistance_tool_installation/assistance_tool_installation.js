// Copyright (c) 2026, 3D Dental Store and contributors
// For license information, please see license.txt

frappe.ui.form.on("Assistance Tool Installation", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.client_answer) return;
		frm.add_custom_button(__("Ask the Client to Uninstall"), () =>
			frappe
				.call("dds_assistance.api.remote_session.ask_tool_uninstall", { installation: frm.doc.name })
				.then(() => frm.reload_doc())
		);
	},
});
