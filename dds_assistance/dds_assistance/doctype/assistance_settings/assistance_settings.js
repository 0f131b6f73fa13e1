// Copyright (c) 2026, 3D Dental Store and contributors
// For license information, please see license.txt

frappe.ui.form.on("Assistance Settings", {
	onload(frm) {
		frappe.call("frappe.core.doctype.user.user.get_timezones").then((r) => {
			frm.set_df_property("time_zone", "options", (r.message && r.message.timezones) || []);
		});
	},
	setup(frm) {
		frm.set_query("ticket_item", () => ({ filters: { is_stock_item: 0, disabled: 0 } }));
		frm.set_query("sales_taxes_template", () => ({
			filters: frm.doc.company ? { company: frm.doc.company } : {},
		}));
		frm.set_query("bank_account", () => ({
			filters: { is_company_account: 1, disabled: 0, ...(frm.doc.company ? { company: frm.doc.company } : {}) },
		}));
	},
});
