/* The vote form shows only the fields of the chosen method.
 *
 * Progressive enhancement: without this script every field shows, and the server checks
 * that the figures match the method (`proposals.rules`). A row the server marked with an
 * error stays visible whatever the method, so no refusal is ever hidden.
 */
(function () {
  "use strict";

  var method = document.getElementById("id_method");
  if (!method) {
    return;
  }
  var FIELDS = {
    show_of_hands: ["votes_for", "votes_against", "abstentions"],
    card_vote: ["sections"],
    roll_call: ["roll_for", "roll_against", "roll_abstain"],
  };

  function show() {
    Object.keys(FIELDS).forEach(function (name) {
      FIELDS[name].forEach(function (field) {
        var row = document.querySelector(".field-" + field);
        if (row) {
          var wanted = name === method.value || row.classList.contains("errors");
          row.hidden = !wanted;
        }
      });
    });
  }

  method.addEventListener("change", show);
  show();
})();
