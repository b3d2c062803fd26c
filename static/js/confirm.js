// A form with data-confirm="question" asks before it is sent, and stays unsent on "Cancel".
// Without this script the form is sent at once.
(function () {
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
