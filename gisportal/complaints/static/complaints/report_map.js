// The "where" step, enhanced: tap or drag a pin, or use the phone's location; the form works without it.
(function () {
  var box = document.getElementById("report-map");
  var lat = document.getElementById("id_lat");
  var lon = document.getElementById("id_lon");
  if (!box || !window.L) return;
  box.hidden = false;
  document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });
  var start = lat.value && lon.value ? [parseFloat(lat.value), parseFloat(lon.value)] : null;
  var map = L.map(box).setView(start || [34.5, 9.5], start ? 16 : 6);
  if (box.dataset.basemap) {
    L.tileLayer(box.dataset.basemap, { maxZoom: 19 }).addTo(map);
  } else if (box.dataset.outlines && window.fetch) {
    // No basemap configured: the municipalities' outlines at least show the citizen where she is.
    fetch(box.dataset.outlines).then(function (response) { return response.json(); }).then(function (outlines) {
      L.geoJSON(outlines, { interactive: false, style: { color: "#0b5a6b", weight: 1, fillOpacity: 0.04 } }).addTo(map);
    });
  }
  var pin = null;
  function place(latlng) {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    if (pin) { pin.setLatLng(latlng); return; }
    pin = L.marker(latlng, { draggable: true, autoPan: true }).addTo(map);
    pin.on("dragend", function () { place(pin.getLatLng()); });
  }
  if (start) place(L.latLng(start[0], start[1]));
  map.on("click", function (event) { place(event.latlng); });
  var locate = document.getElementById("locate");
  if (locate && navigator.geolocation) {
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        var here = L.latLng(position.coords.latitude, position.coords.longitude);
        map.setView(here, 17);
        place(here);
      });
    });
  } else if (locate) { locate.hidden = true; }
})();
