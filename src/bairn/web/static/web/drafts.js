// Keeps what is typed in a form marked data-draft-key on the server as people type, so
// that nothing is lost when they are signed out for being idle (bairn.web.drafts).
const DELAY_MS = 1500;

function fieldsOf(form) {
  const fields = {};
  for (const [name, value] of new FormData(form).entries()) {
    if (name === "csrfmiddlewaretoken" || typeof value !== "string") continue;
    (fields[name] ||= []).push(value);
  }
  return fields;
}

function csrfToken(form) {
  const input = form.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

export function watchDrafts(root = document) {
  for (const form of root.querySelectorAll("form[data-draft-key]")) {
    let timer = null;
    const save = () => {
      fetch("/drafts", {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": csrfToken(form),
          "X-Bairn-Draft": "1",
        },
        body: JSON.stringify({ key: form.dataset.draftKey, fields: fieldsOf(form) }),
      })
        .then((response) => {
          if (response.ok) document.dispatchEvent(new Event("bairn:request"));
        })
        .catch(() => {});
    };
    form.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(save, DELAY_MS);
    });
    form.addEventListener("change", () => {
      clearTimeout(timer);
      timer = setTimeout(save, DELAY_MS);
    });
  }
}
