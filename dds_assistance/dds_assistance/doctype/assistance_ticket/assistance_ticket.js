// Copyright (c) 2026, 3D Dental Store and contributors
// For license information, please see license.txt

const DDS_API = "dds_assistance.api.ticket.";

frappe.ui.form.on("Assistance Ticket", {
	setup(frm) {
		frm.set_query("equipment", () => ({
			filters: frm.doc.customer ? { customer: frm.doc.customer } : {},
		}));
		frm.set_query("contact", () => ({
			query: "frappe.contacts.doctype.contact.contact.contact_query",
			filters: { link_doctype: "Customer", link_name: frm.doc.customer },
		}));
	},

	refresh(frm) {
		dds_show_state(frm);
		if (frm.is_new()) return;
		const status = frm.doc.status;

		if (frm.doc.channel === "E-mail" && frm.doc.sender_check && !frm.doc.sender_verified) {
			frm.add_custom_button(__("Confirm Sender"), () =>
				frappe.confirm(__("Did the client confirm that they sent this e-mail?"), () =>
					dds_call(frm, "confirm_sender", {})));
		}
		if (status === "New") {
			frm.add_custom_button(__("Accept"), () => dds_accept(frm)).addClass("btn-primary");
		}
		if (["New", "Incomplete"].includes(status)) {
			frm.add_custom_button(__("Refuse"), () => dds_refuse(frm));
			if (!frm.doc.sales_invoice) {
				frm.add_custom_button(frm.doc.customer ? __("Change Client") : __("Set Client"), () => dds_set_client(frm));
			}
		}
		if (frm.doc.sales_invoice) {
			frm.add_custom_button(__("Invoice"), () => frappe.set_route("Form", "Sales Invoice", frm.doc.sales_invoice), __("View"));
			frm.add_custom_button(__("Payments"), () =>
				frappe.call(DDS_API + "payments", { ticket: frm.doc.name }).then((r) => {
					frappe.route_options = { name: ["in", r.message.length ? r.message : [""]] };
					frappe.set_route("List", "Payment Entry");
				}), __("View"));
		}
		frm.add_custom_button(__("Remote Sessions"), () => {
			frappe.route_options = { ticket: frm.doc.name };
			frappe.set_route("List", "Remote Session");
		}, __("View"));
		if (!frm.doc.first_responded_on && !["Rejected", "Cancelled", "Closed"].includes(status)) {
			frm.add_custom_button(__("Mark First Response Given"), () =>
				dds_call(frm, "mark_responded", {}), __("Actions"));
			if (frappe.user.has_role("Assistance Manager") || frappe.user.has_role("System Manager")) {
				frm.add_custom_button(__("Extend Response Due Time"), () => dds_extend(frm), __("Actions"));
			}
		}
		if (["Open", "In Progress", "Waiting on Client"].includes(status) && frappe.model.can_create("Remote Session")) {
			frm.add_custom_button(__("Propose a Remote Session"), () => dds_propose_session(frm), __("Actions"));
		}
		if (status === "Closed") {
			frm.add_custom_button(__("New Ticket for Another Incident"), () =>
				frappe.new_doc("Assistance Ticket", {
					customer: frm.doc.customer,
					contact: frm.doc.contact,
					equipment: frm.doc.equipment,
				})
			);
		}
	},

	customer(frm) {
		frm.set_value("equipment", null);
	},
});

function dds_call(frm, method, args) {
	return frappe
		.call({ method: DDS_API + method, args: Object.assign({ ticket: frm.doc.name }, args), freeze: true })
		.then(() => frm.reload_doc());
}

function dds_accept(frm) {
	if (!frm.doc.is_late) return dds_call(frm, "accept", {});
	frappe.prompt(
		{ fieldname: "reason", fieldtype: "Small Text", label: __("Why accept this late request?"), reqd: 1 },
		(values) => dds_call(frm, "accept", values),
		__("Late Request"),
		__("Accept")
	);
}

function dds_propose_session(frm) {
	frappe.prompt(
		[
			{ fieldname: "purpose", fieldtype: "Small Text", label: __("Declared Scope (Purpose)"), reqd: 1 },
			{ fieldname: "tool", fieldtype: "Data", label: __("Remote Access Tool"), default: "RustDesk", reqd: 1 },
			{ fieldname: "minutes", fieldtype: "Int", label: __("Authorised Duration (Minutes)"), default: 30, reqd: 1 },
		],
		(values) =>
			frappe
				.call({ method: "dds_assistance.api.remote_session.propose", args: Object.assign({ ticket: frm.doc.name }, values), freeze: true })
				.then((r) => frappe.set_route("Form", "Remote Session", r.message)),
		__("Propose a Remote Session"),
		__("Propose")
	);
}

function dds_refuse(frm) {
	frappe.prompt(
		{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
		(values) => dds_call(frm, "refuse", values),
		__("Refuse the Request"),
		__("Refuse")
	);
}

function dds_set_client(frm) {
	frappe.prompt(
		{ fieldname: "customer", fieldtype: "Link", options: "Customer", label: __("Client"), reqd: 1 },
		(values) => dds_call(frm, "set_client", values),
		__("Client of the Request"),
		__("Set")
	);
}

function dds_extend(frm) {
	frappe.prompt(
		[
			{ fieldname: "new_due", fieldtype: "Datetime", label: __("New Due Time"), reqd: 1 },
			{
				fieldname: "reason",
				fieldtype: "Select",
				label: __("Reason"),
				options: ["Force majeure", "High demand", "Exceptional circumstances"],
				reqd: 1,
			},
			{ fieldname: "note", fieldtype: "Small Text", label: __("Note"), reqd: 1 },
		],
		(values) => dds_call(frm, "extend_response_due", values),
		__("Extend the First Response Due Time"),
		__("Extend")
	);
}

// The form's one headline holds every state to know, one line each — a client's reply
// awaiting an answer, what is missing, an unverified sender, a late request, the
// payment — then the live countdown.
const DDS_SEVERITY = ["red", "orange", "yellow", "blue", "green", "gray"];

function dds_show_state(frm) {
	const lines = [];
	if (frm.doc.client_replied) {
		lines.push([
			__("The client replied on {0}: their message awaits an answer.", [
				frappe.datetime.str_to_user(frm.doc.client_replied_on),
			]),
			"orange",
		]);
	}
	if (frm.doc.missing_information) {
		lines.push([__("Incomplete request, missing: {0}", [frm.doc.missing_information]), "orange"]);
	}
	if (frm.doc.channel === "E-mail" && frm.doc.sender_check && !frm.doc.sender_verified) {
		lines.push([
			__("Sender not authenticated ({0}): confirm with the client before accepting.", [frm.doc.sender_check]),
			"red",
		]);
	}
	if (frm.doc.is_late && !frm.doc.late_decision) {
		lines.push([__("Late request: accept it with a reason or refuse it."), "red"]);
	}
	if (frm.doc.coverage === "On-demand" && frm.doc.sales_invoice) {
		lines.push(
			frm.doc.is_paid
				? [__("Invoice {0} is paid.", [frm.doc.sales_invoice]), "green"]
				: [__("Invoice {0} is not paid: no assistance before payment.", [frm.doc.sales_invoice]), "red"]
		);
	}
	if (frm.doc.sales_invoice && frm.doc.__onload && frm.doc.__onload.facturx_pending) {
		lines.push([
			__("The e-invoice (Factur-X) of invoice {0} is being prepared: the client is mailed as soon as it is ready.", [frm.doc.sales_invoice]),
			"blue",
		]);
	}
	frm.dds_state_lines = lines;
	dds_render_headline(frm);
	dds_countdown(frm);
}

function dds_render_headline(frm, countdown) {
	const lines = (frm.dds_state_lines || []).concat(countdown ? [[countdown.text, countdown.color]] : []);
	if (!lines.length) {
		frm.dashboard.clear_headline();
		return;
	}
	const color = DDS_SEVERITY.find((c) => lines.some((line) => line[1] === c)) || "blue";
	const html = lines
		.map(([text, c]) => `<div class="dds-state" data-color="${c}">${frappe.utils.escape_html(text)}</div>`)
		.join("");
	// Frappe adds a block at each call: the one headline is replaced, never repeated
	frm.dashboard.clear_headline();
	frm.dashboard.set_headline(html, color);
}

// R-TKT-9: live countdown in business time, refreshed every minute while the form is open
function dds_countdown(frm) {
	clearInterval(frm.dds_countdown_timer);
	if (!frm.doc.response_due || frm.doc.first_responded_on || frm.is_new()) return;
	const name = frm.doc.name;
	const update = () => {
		if (frm.doc.name !== name || frappe.get_route_str() !== `Form/Assistance Ticket/${name}`) {
			clearInterval(frm.dds_countdown_timer);
			return;
		}
		frappe
			.call({ method: DDS_API + "response_countdown", args: { ticket: name } })
			.then((r) => r.message && dds_render_headline(frm, r.message));
	};
	update();
	frm.dds_countdown_timer = setInterval(update, 60 * 1000);
}
