// The desk's form: add a person without a round trip, and keep a draft on the server every
// half-minute while something changed. A lost connection loses nothing: the page keeps what
// was typed and the next save retries.
(function () {
  "use strict";
  var form = document.getElementById("registration");
  if (!form) { return; }
  var total = form.querySelector("input[name='form-TOTAL_FORMS']");
  var template = form.querySelector("template[data-member-template]");
  var list = form.querySelector("[data-members]");
  var addButton = form.querySelector("[data-add-member]");
  var status = form.querySelector("[data-autosave-status]");
  var draft = form.querySelector("[data-draft]");
  var changed = false;

  if (addButton && template && total && list) {
    addButton.addEventListener("click", function (event) {
      event.preventDefault();
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      list.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var added = list.lastElementChild && list.lastElementChild.querySelector("input, select");
      if (added) { added.focus(); }
      changed = true;
    });
  }

  form.addEventListener("input", function () { changed = true; });
  form.addEventListener("change", function () { changed = true; });

  function save() {
    if (!changed || !window.fetch) { return; }
    var data = new FormData(form);
    data.set("action", "autosave");
    changed = false;
    fetch(form.dataset.autosave, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(); })
      .then(function (answer) {
        draft.value = answer.draft;
        status.textContent = status.dataset.saved;
      })
      .catch(function () {
        changed = true;
        status.textContent = status.dataset.offline;
      });
  }
  window.setInterval(save, 30000);
})();
