// The ballot's running total per envelope; the server checks the same rules when the ballot is cast.
(function () {
  var form = document.getElementById("ballot");
  if (!form) return;
  var method = form.dataset.method, max = parseInt(form.dataset.max || "0", 10);
  var format = new Intl.NumberFormat(document.documentElement.lang);
  form.querySelectorAll("fieldset.envelope").forEach(function (envelope) {
    var amount = parseInt(envelope.dataset.amount, 10), tally = envelope.querySelector(".tally");
    tally.hidden = false;
    function update() {
      var boxes = envelope.querySelectorAll("input[type=checkbox]:checked"), total = 0;
      boxes.forEach(function (b) { total += parseInt(b.dataset.cost, 10); });
      if (method === "approval") {
        tally.textContent = boxes.length + " / " + max;
        tally.classList.toggle("errorlist", boxes.length > max);
      } else {
        tally.textContent = format.format(total) + " / " + format.format(amount);
        tally.classList.toggle("errorlist", total > amount);
      }
    }
    envelope.addEventListener("change", update);
    update();
  });
})();
