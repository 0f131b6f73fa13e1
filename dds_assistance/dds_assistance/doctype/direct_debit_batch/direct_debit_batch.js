// Copyright (c) 2026, 3D Dental Store and contributors
// For license information, please see license.txt

frappe.ui.form.on("Direct Debit Batch", {
	refresh(frm) {
		if (frm.doc.docstatus === 0 && !frm.is_new()) {
			frm.add_custom_button(__("Get Invoices to Collect"), () =>
				frappe.call({
					method: "dds_assistance.api.direct_debit.refresh_invoices",
					args: { batch: frm.doc.name },
					freeze: true,
					callback: () => frm.reload_doc(),
				})
			);
		}
		if (frm.doc.collection_file) {
			frm.add_custom_button(__("Download the Collection File"), () =>
				window.open(frm.doc.collection_file)
			);
		}
	},
});
