// Copyright (c) 2026, 3D Dental Store and contributors
// For license information, please see license.txt

frappe.listview_settings["Assistance Ticket"] = {
	add_fields: ["status", "sla_status", "response_due", "is_paid", "coverage"],
	get_indicator(doc) {
		const colors = {
			Incomplete: "orange",
			New: "blue",
			"Awaiting Payment": "red",
			Open: "cyan",
			"In Progress": "yellow",
			"Waiting on Client": "purple",
			Resolved: "green",
			Closed: "gray",
			Rejected: "darkgrey",
			Cancelled: "darkgrey",
		};
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
	formatters: {
		response_due(value, df, doc) {
			if (!value) return "";
			const color = { Breached: "red", "At Risk": "orange", Met: "green" }[doc.sla_status] || "blue";
			return `<span class="indicator-pill ${color}">${frappe.datetime.str_to_user(value)}</span>`;
		},
	},
};
