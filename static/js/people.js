// The people table: the header's box ticks or unticks everyone on this page. Acting on
// everyone the filters match, on every page, is the bulk bar's own box (no script needed).
(function () {
  var all = document.querySelector("[data-select-page]");
  if (!all) return;
  var boxes = document.querySelectorAll("input[name=enrollment_ids][form=bulk]");
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
  });
})();
