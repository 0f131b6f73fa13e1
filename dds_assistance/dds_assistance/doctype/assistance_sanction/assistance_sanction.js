// Copyright (c) 2026, 3D Dental Store and contributors
// For license information, please see license.txt

frappe.ui.form.on("Assistance Sanction", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.lifted_on || frm.doc.sanction !== "Suspension") return;
		frm.add_custom_button(__("Lift the Suspension"), () =>
			frappe.prompt(
				{ fieldname: "reason", fieldtype: "Small Text", label: __("Why Lifted"), reqd: 1 },
				(values) =>
					frappe
						.call("dds_assistance.api.sanction.lift_sanction", { sanction: frm.doc.name, reason: values.reason })
						.then(() => frm.reload_doc()),
				__("Lift the Suspension")
			)
		);
	},
});
