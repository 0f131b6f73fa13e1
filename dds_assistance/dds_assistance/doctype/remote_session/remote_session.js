// Copyright (c) 2026, 3D Dental Store and contributors
// For license information, please see license.txt

const DDS_RS_API = "dds_assistance.api.remote_session.";
const DDS_CHECKLIST = [
	["check_backup", "Data and critical settings backed up"],
	["check_apps_closed", "Sensitive applications closed"],
	["check_reachable", "Client present or reachable"],
	["check_connection", "Stable internet connection"],
];

frappe.ui.form.on("Remote Session", {
	refresh(frm) {
		if (frm.is_new()) return;
		const call = (method, args) =>
			frappe
				.call({ method: DDS_RS_API + method, args: Object.assign({ session: frm.doc.name }, args), freeze: true })
				.then(() => frm.reload_doc());
		const status = frm.doc.status;
		if (status === "Requested") {
			frm.add_custom_button(__("Record Consent Given by Phone or E-mail"), () =>
				frappe.prompt(
					[
						{ fieldname: "method", fieldtype: "Select", label: __("Consent Given By"), options: ["Phone", "E-mail"], reqd: 1 },
						{ fieldname: "consented_by", fieldtype: "Data", label: __("Consenting Person"), reqd: 1 },
						{ fieldname: "note", fieldtype: "Small Text", label: __("Consent Note"), reqd: 1 },
						...DDS_CHECKLIST.map(([fieldname, label]) => ({ fieldname, fieldtype: "Check", label: __(label) })),
					],
					(values) => call("record_consent", values),
					__("Client Consent"),
					__("Record")
				)
			);
		}
		if (["Requested", "Consented"].includes(status)) {
			// offered before consent too: the refusal says what is missing (R-RS-1) and is kept in the history
			const start = frm.add_custom_button(__("Start Session"), () => call("start", {}));
			if (status === "Consented") start.addClass("btn-primary");
		}
		if (["Consented", "In Progress"].includes(status)) {
			frm.add_custom_button(__("Widen Scope on Client Instruction"), () =>
				frappe.prompt(
					[
						{ fieldname: "new_scope", fieldtype: "Small Text", label: __("Widened Scope"), reqd: 1 },
						{ fieldname: "instruction_by", fieldtype: "Data", label: __("Instruction Given By"), reqd: 1 },
						{ fieldname: "instruction", fieldtype: "Small Text", label: __("Client's Instruction"), reqd: 1 },
					],
					(values) => call("extend_scope", values),
					__("Widen Scope"),
					__("Record")
				)
			);
		}
		if (status === "In Progress") {
			frm.add_custom_button(__("End Session"), () =>
				frappe.prompt({ fieldname: "note", fieldtype: "Small Text", label: __("End Note") }, (v) => call("end", v), __("End Session"))
			);
		}
		if (["Requested", "Consented"].includes(status)) {
			frm.add_custom_button(__("Cancel Session"), () =>
				frappe.prompt({ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 }, (v) => call("cancel", v), __("Cancel Session"))
			);
		}
		frm.add_custom_button(__("Connection History"), () =>
			frappe.set_route("List", "Remote Session Log", { session: frm.doc.name })
		);
	},
});
