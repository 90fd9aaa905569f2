// The tip form works without this. With it, the "anonymous" box and the identity fields
// move together: ticked, the fields close and are switched off, so nothing typed there is
// sent and no round trip to the server (which would drop the chosen files) is needed;
// unticked, they open and can be filled in.
(function () {
  "use strict";
  var box = document.getElementById("anonymous");
  var details = document.getElementById("identity-details");
  if (!box || !details) {
    return;
  }
  var fields = details.querySelectorAll("input, textarea, select");

  function follow(box_changed) {
    for (var i = 0; i < fields.length; i += 1) {
      fields[i].disabled = box.checked;
    }
    if (box.checked) {
      details.open = false;
    } else if (box_changed) {
      details.open = true;
    }
  }

  box.addEventListener("change", function () {
    follow(true);
  });
  // After the server asked the person to choose (ticked, yet details typed), leave what
  // they typed open and editable until they tick or untick the box.
  if (!(box.checked && details.open)) {
    follow(false);
  }
})();
