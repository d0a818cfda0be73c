// Fills the home coordinates from the browser's location. The page works without it:
// the button stays hidden, and a district or typed coordinates do the same job.
(function () {
  "use strict";
  var button = document.getElementById("locate");
  if (!button || !("geolocation" in navigator)) {
    return;
  }
  var status = document.getElementById("locate-status");
  var lat = document.getElementById("lat");
  var lon = document.getElementById("lon");
  var byCoordinates = document.querySelector('input[name="home_source"][value="coordinates"]');

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    say(button.dataset.locating);
    navigator.geolocation.getCurrentPosition(
      function (position) {
        lat.value = position.coords.latitude.toFixed(5);
        lon.value = position.coords.longitude.toFixed(5);
        if (byCoordinates) {
          byCoordinates.checked = true;
        }
        button.disabled = false;
        say(button.dataset.found);
        lat.focus();
      },
      function () {
        button.disabled = false;
        say(button.dataset.failed);
      },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 }
    );
  });
})();
