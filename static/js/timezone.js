// Pre-select the browser's time zone where the page asks for a guess; the person can change it.
(function () {
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  document.querySelectorAll("select[data-guess-timezone]").forEach(function (select) {
    if (zone && select.querySelector('option[value="' + zone + '"]')) select.value = zone;
  });
})();
