// A form is sent once. On a slow line a worker clicks "Simpan" again while the first click
// is still on its way, and the server would record the note, the meal or the session twice.
// A second submit of a form already sent is dropped until the page changes; the form is
// marked busy so the button shows it. Forms that htmx sends, and a form whose answer is a
// download (the page stays), are free again after a few seconds.
(() => {
  const FREE_AGAIN_MS = 8000;

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) return;
    if (form.method.toLowerCase() !== "post") return;
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    form.setAttribute("aria-busy", "true");
    window.setTimeout(() => free(form), FREE_AGAIN_MS);
  });

  function free(form) {
    delete form.dataset.sent;
    form.removeAttribute("aria-busy");
  }

  // Back to a page kept in the browser's cache: its forms can be sent again.
  window.addEventListener("pageshow", () => {
    document.querySelectorAll("form[data-sent]").forEach(free);
  });
})();
