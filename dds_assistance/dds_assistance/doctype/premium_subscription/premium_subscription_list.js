// Copyright (c) 2026, 3D Dental Store and contributors
// For license information, please see license.txt

frappe.listview_settings["Premium Subscription"] = {
	add_fields: ["status", "ends_on", "notice_deadline"],
	get_indicator(doc) {
		const colors = {
			Scheduled: "blue",
			Active: "green",
			"Notice Given": "orange",
			Ended: "gray",
			"Terminated for Breach": "red",
			Suspended: "red",
		};
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
