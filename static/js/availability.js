// Click-and-drag over the availability grid. Without this script the grid is plain checkboxes.
(function () {
  document.documentElement.classList.add("js");
  document.querySelectorAll("[data-availability-grid]").forEach(function (grid) {
    var painting = null; // the state being painted while the pointer is down
    function boxAt(event) {
      var el = document.elementFromPoint(event.clientX, event.clientY);
      var label = el && el.closest("label");
      return label && grid.contains(label) ? label.querySelector("input[type=checkbox]") : null;
    }
    grid.addEventListener("pointerdown", function (event) {
      var box = boxAt(event);
      if (!box) return;
      event.preventDefault();
      painting = !box.checked;
      box.checked = painting;
    });
    grid.addEventListener("pointermove", function (event) {
      if (painting === null) return;
      var box = boxAt(event);
      if (box) box.checked = painting;
    });
    document.addEventListener("pointerup", function () { painting = null; });
    // The pointer handlers already toggled the box: stop the label's own click from undoing it.
    grid.addEventListener("click", function (event) {
      if (event.detail > 0 && event.target.closest("label")) event.preventDefault();
    });
  });
})();
