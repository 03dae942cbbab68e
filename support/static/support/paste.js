// "Cần hỗ trợ CNTT": a screenshot pasted anywhere on the form (Ctrl+V) becomes the attached file.
(function () {
  var form = document.querySelector("form[data-paste-target]");
  if (!form || typeof DataTransfer === "undefined") return;
  var input = document.getElementById(form.getAttribute("data-paste-target"));
  var status = document.getElementById("paste-status");
  document.addEventListener("paste", function (event) {
    var items = (event.clipboardData || {}).items || [];
    for (var i = 0; i < items.length; i++) {
      if (items[i].kind === "file" && items[i].type.indexOf("image/") === 0) {
        var blob = items[i].getAsFile();
        var file = new File([blob], "anh-chup-man-hinh.png", { type: blob.type });
        var transfer = new DataTransfer();
        transfer.items.add(file);
        input.files = transfer.files;
        if (status) status.textContent = status.getAttribute("data-done") || "✓";
        event.preventDefault();
        return;
      }
    }
  });
})();
