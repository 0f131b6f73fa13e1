// Copyright (c) 2026, 3D Dental Store and contributors
// For license information, please see license.txt

frappe.query_reports["Assistance Ticket Reconciliation"] = {
	filters: [
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date", default: frappe.datetime.month_start(), reqd: 1 },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", default: frappe.datetime.month_end(), reqd: 1 },
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{ fieldname: "customer", label: __("Client"), fieldtype: "Link", options: "Customer" },
		{
			fieldname: "anomaly",
			label: __("Anomaly"),
			fieldtype: "Select",
			options: [
				"",
				"Any anomaly",
				"Sold ticket without invoice",
				"Invoice without ticket",
				"Work done while unpaid",
				"More than one invoice",
				"Invoice cancelled or returned on a served ticket",
				"Amount differs from the ticket's tariff",
				"Paid ticket cancelled or refused without refund",
				"Invoice standing on a cancelled or refused ticket",
				"Transfer left to match",
			],
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "anomalies" && data && data.anomalies) {
			value = `<span style="color: var(--red-600)">${value}</span>`;
		}
		return value;
	},
};
