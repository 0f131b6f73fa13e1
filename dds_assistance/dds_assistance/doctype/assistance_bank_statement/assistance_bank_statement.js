// Copyright (c) 2026, 3D Dental Store and contributors
// For license information, please see license.txt

frappe.ui.form.on("Assistance Bank Statement", {
	setup(frm) {
		frm.set_query("bank_account", () => ({ filters: { is_company_account: 1, disabled: 0 } }));
	},
	refresh(frm) {
		if (frm.is_new() || ["Queued", "Importing"].includes(frm.doc.status)) return;
		if (!frappe.model.can_write("Bank Transaction")) return;
		frm.add_custom_button(frm.doc.status === "Imported" ? __("Import Again") : __("Import"), () =>
			frappe
				.call({ method: "dds_assistance.api.bank_statement.import_statement", args: { statement: frm.doc.name }, freeze: true, freeze_message: __("Importing the statement…") })
				.then(() => frm.reload_doc())
		).addClass("btn-primary");
		if (frm.doc.unmatched) {
			frm.add_custom_button(__("Transactions Left to Match"), () =>
				frappe.set_route("List", "Bank Transaction", { dds_bank_statement: frm.doc.name, status: "Unreconciled" })
			);
		}
	},
});
