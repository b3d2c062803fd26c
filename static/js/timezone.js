// Time zone choosers: the zone of the person's device goes first, in a group of its own,
// and is pre-selected where the page asks for a guess; the person can change it.
(function () {
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) return;
  document.querySelectorAll("select[data-timezone]").forEach(function (select) {
    var option = null;
    select.querySelectorAll("option").forEach(function (o) { if (o.value === zone) option = o; });
    if (!option) return;
    var group = document.createElement("optgroup");
    group.label = select.getAttribute("data-guess-label") || zone;
    group.appendChild(option);
    select.insertBefore(group, select.firstChild);
    if (select.hasAttribute("data-guess-timezone")) select.value = zone;
  });
})();
