// Copyright (c) 2026, 3D Dental Store and contributors
// For license information, please see license.txt

frappe.listview_settings["Assistance Ticket"] = {
	add_fields: [
		"status",
		"sla_status",
		"response_due",
		"first_responded_on",
		"is_paid",
		"is_late",
		"coverage",
		"client_replied",
		"client_replied_on",
	],
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
		// the client wrote since the support team's last answer: seen at a glance
		client_replied(value, df, doc) {
			if (!cint(value)) return "";
			const when = doc.client_replied_on ? frappe.datetime.str_to_user(doc.client_replied_on) : "";
			const title = frappe.utils.escape_html(`${__("Client Replied On")} ${when}`);
			return `<span class="indicator-pill orange dds-client-replied" title="${title}">${__("Client replied")}</span>`;
		},
		response_due(value, df, doc) {
			if (!value) return "";
			const color = { Breached: "red", "At Risk": "orange", Met: "green" }[doc.sla_status] || "blue";
			const live = doc.first_responded_on ? "" : `<span class="dds-countdown text-muted small" data-ticket="${doc.name}"></span>`;
			return `<span class="indicator-pill ${color}">${frappe.datetime.str_to_user(value)}</span> ${live}`;
		},
	},
	// R-TKT-9: business time left, live (refreshed every minute)
	refresh(listview) {
		const update = () => {
			const names = (listview.data || []).filter((d) => d.response_due && !d.first_responded_on).map((d) => d.name);
			if (!names.length) return;
			frappe.xcall("dds_assistance.api.ticket.countdowns", { tickets: names }).then((left) => {
				listview.$result.find(".dds-countdown").each(function () {
					$(this).text(left[$(this).attr("data-ticket")] || "");
				});
			});
		};
		update();
		clearInterval(listview.dds_timer);
		listview.dds_timer = setInterval(update, 60 * 1000);
	},
};
