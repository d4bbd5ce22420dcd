// Links each field message of a form to its input: the message gets an id, the input aria-describedby (kept beside
// its hint) and aria-invalid. Blazor renders the messages without ids, so the link is made after each render.
const mark = "data-error-link";
let issued = 0;

export function linkErrors(anchor, focus) {
    const form = anchor?.closest("form");
    if (!form) {
        return;
    }

    // Undo the previous links: a corrected field must not point at a message that is gone.
    for (const input of form.querySelectorAll(`[${mark}]`)) {
        const stale = input.getAttribute(mark).split(" ");
        const kept = (input.getAttribute("aria-describedby") ?? "").split(" ").filter(id => id && !stale.includes(id));
        if (kept.length > 0) {
            input.setAttribute("aria-describedby", kept.join(" "));
        } else {
            input.removeAttribute("aria-describedby");
        }
        input.removeAttribute("aria-invalid");
        input.removeAttribute(mark);
    }

    let first = null;
    for (const message of form.querySelectorAll(".validation-message, .field-error")) {
        const field = message.closest(".field, fieldset");
        const input = field?.querySelector("input:not([type=hidden]), select, textarea");
        if (!input) {
            continue;
        }
        if (!message.id) {
            message.id = `${input.id || "field"}-error-${++issued}`;
        }
        const links = (input.getAttribute(mark) ?? "").split(" ").filter(Boolean);
        links.push(message.id);
        input.setAttribute(mark, links.join(" "));
        const described = (input.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
        input.setAttribute("aria-describedby", [...described, message.id].join(" "));
        input.setAttribute("aria-invalid", "true");
        first ??= input;
    }

    if (focus && first) {
        first.focus();
    }
}

// One field's messages outside an EditForm (FieldMessages): the same links, for the input of the enclosing field.
export function linkField(anchor) {
    const field = anchor?.parentElement?.closest(".field, fieldset");
    const input = field?.querySelector("input:not([type=hidden]), select, textarea");
    if (!input) {
        return;
    }

    const stale = (input.getAttribute(mark) ?? "").split(" ").filter(Boolean);
    const kept = (input.getAttribute("aria-describedby") ?? "").split(" ").filter(id => id && !stale.includes(id));
    const messages = [...anchor.querySelectorAll(".field-error")];
    for (const message of messages) {
        if (!message.id) {
            message.id = `${input.id || "field"}-error-${++issued}`;
        }
    }
    const ids = messages.map(m => m.id);
    const described = [...kept, ...ids];
    if (described.length > 0) {
        input.setAttribute("aria-describedby", described.join(" "));
    } else {
        input.removeAttribute("aria-describedby");
    }
    if (ids.length > 0) {
        input.setAttribute(mark, ids.join(" "));
        input.setAttribute("aria-invalid", "true");
    } else {
        input.removeAttribute(mark);
        input.removeAttribute("aria-invalid");
    }
}
