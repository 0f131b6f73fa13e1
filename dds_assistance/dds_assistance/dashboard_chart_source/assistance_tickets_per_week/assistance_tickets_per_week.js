frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Assistance Tickets per Week"] = {
	method: "dds_assistance.dds_assistance.dashboard_chart_source.assistance_tickets_per_week.assistance_tickets_per_week.get",
	filters: [],
};
