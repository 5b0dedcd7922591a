// The widget's zoom buttons in the page's language: OpenLayers writes their tooltips in English, and Django's
// MapWidget makes its map with OpenLayers' default controls. The labels come from the widget's template.
(function () {
  var createMap = MapWidget.prototype.createMap;
  MapWidget.prototype.createMap = function () {
    var map = createMap.call(this);
    var labels = this.options.zoom_labels;
    if (labels) {
      map.getControls().getArray().filter(function (control) { return control instanceof ol.control.Zoom; })
        .forEach(function (control) { map.removeControl(control); });
      map.addControl(new ol.control.Zoom(labels));
    }
    return map;
  };
})();
