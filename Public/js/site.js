// 民生之声: the live character counter of the write form. The page works without it.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".counter[data-max]").forEach(function (counter) {
    var field = document.getElementById(counter.id.replace(/-count$/, ""));
    if (!field) return;
    var max = parseInt(counter.getAttribute("data-max"), 10);
    var unit = counter.getAttribute("data-unit") || "";
    var update = function () {
      var used = Array.from(field.value).length;
      counter.textContent = used + " / " + max + " " + unit;
      counter.classList.toggle("over", used > max);
    };
    field.addEventListener("input", update);
    update();
  });
  var errors = document.getElementById("errors");
  if (errors) errors.focus();
});
