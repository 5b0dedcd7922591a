// The widget's own buttons in the page's language: OpenLayers writes their tooltips in English ("Zoom in",
// "Reset rotation", "Attributions"), and Django's MapWidget makes its map with OpenLayers' default controls.
// Each is made again, in its place, with the labels from the widget's template.
(function () {
  var LABELLED = [["zoom_labels", ol.control.Zoom], ["rotate_labels", ol.control.Rotate],
    ["attribution_labels", ol.control.Attribution]];
  var createMap = MapWidget.prototype.createMap;
  MapWidget.prototype.createMap = function () {
    var map = createMap.call(this), options = this.options, controls = map.getControls();
    LABELLED.forEach(function (labelled) {
      var labels = options[labelled[0]], Control = labelled[1];
      if (!labels) return;
      controls.getArray().forEach(function (control, index) {
        if (control instanceof Control) controls.setAt(index, new Control(labels));
      });
    });
    return map;
  };
})();
