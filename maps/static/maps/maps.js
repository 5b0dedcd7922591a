/* gisportal citizen maps: the complaints layer read by view, and the "what is here?" lookup panel. */
(function () {
  "use strict";

  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function esc(value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (c) { return ESCAPES[c]; });
  }
  // A feature's title, its properties as rows of text (empty ones left out) and a link: what a planner or a file
  // typed is never parsed as HTML (folium's GeoJsonPopup and GeoJsonTooltip write it into innerHTML). Every map's
  // popups and tooltips use this.
  L.gisportalDetails = function (options) {
    function text(value) {
      if (value === null || value === undefined) { return ""; }
      if (typeof value === "object") { return JSON.stringify(value); }
      return options.localize ? value.toLocaleString() : String(value);
    }
    return function (layer) {
      var box = L.DomUtil.create("div"), properties = layer.feature.properties, link = options.link;
      if (options.title) {
        var title = L.DomUtil.create("strong", "gisportal-title", box);
        title.textContent = text(properties[options.title]);
        title.dir = "auto";
      }
      var fields = options.fields.map(function (field, i) { return [field, options.aliases[i]]; })
        .filter(function (pair) { return text(properties[pair[0]]) !== ""; });
      if (fields.length) {
        var table = L.DomUtil.create("table", "", box);
        fields.forEach(function (pair) {
          var row = L.DomUtil.create("tr", "", table);
          if (options.aliases.length) { L.DomUtil.create("th", "", row).textContent = pair[1]; }
          var cell = L.DomUtil.create("td", "", row);
          cell.textContent = text(properties[pair[0]]);
          cell.dir = "auto";  // a French name reads left to right on an Arabic page, and back
        });
      }
      // Open now? By the reader's clock, from the week of its opening hours (maps/opening_hours.py), when parsed.
      if (options.openNow && properties.week) {
        var now = new Date(), day = (now.getDay() + 6) % 7, minute = now.getHours() * 60 + now.getMinutes();
        var open = properties.week[day].some(function (r) { return r[0] <= minute && minute < r[1]; }) ||
          properties.week[(day + 6) % 7].some(function (r) { return minute < r[1] - 1440; });
        L.DomUtil.create("p", open ? "gisportal-open" : "gisportal-closed", box).textContent = options.openNow[open ? 0 : 1];
      }
      if (link && properties[link.field]) {
        var a = L.DomUtil.create("a", "gisportal-link", L.DomUtil.create("p", "", box));
        a.href = link.url.replace("{" + link.field + "}", encodeURIComponent(properties[link.field]));
        a.textContent = link.text;
      }
      return box;
    };
  };
  function clamp(value, low, high) { return Math.max(low, Math.min(high, value)); }
  function withQuery(url, params) {
    var query = Object.keys(params).map(function (k) {
      return [].concat(params[k]).map(function (v) { return k + "=" + encodeURIComponent(v); }).join("&");  // a list repeats its key
    }).join("&");
    return url + (url.indexOf("?") < 0 ? "?" : "&") + query;
  }
  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }

  // Complaints in view: points when few, grid-cell counts when dense (the server decides); or a heat view.
  L.GisportalComplaints = L.LayerGroup.extend({
    options: { url: null, data: null, state: "open", mode: "clusters", color: "#c0392b", labels: {} },

    initialize: function (options) {
      L.setOptions(this, options);
      L.LayerGroup.prototype.initialize.call(this);
      this._request = 0;
    },
    onAdd: function (map) {
      L.LayerGroup.prototype.onAdd.call(this, map);
      map.on("moveend", this._refresh, this);
      this._refresh();
    },
    onRemove: function (map) {
      map.off("moveend", this._refresh, this);
      this._request++;
      this.clearLayers();
      L.LayerGroup.prototype.onRemove.call(this, map);
    },
    _refresh: function () {
      var map = this._map, self = this;
      if (!map) { return; }
      if (this.options.data) { this._draw(this.options.data); return; }
      var b = map.getBounds(), request = ++this._request;
      var bbox = [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180),
        clamp(b.getNorth(), -90, 90)].map(function (v) { return v.toFixed(5); }).join(",");
      getJSON(withQuery(this.options.url, { state: this.options.state, zoom: map.getZoom(), bbox: bbox }))
        .then(function (collection) { if (request === self._request && self._map) { self._draw(collection); } })
        .catch(function (error) { console.warn(error.message); });
    },
    _draw: function (collection) {
      var map = this._map, labels = this.options.labels, color = this.options.color, layers = [];
      this.clearLayers();
      if (this.options.mode === "heat") {
        var most = 1;
        var points = collection.features.map(function (f) {
          var weight = f.properties.count || 1;
          most = Math.max(most, weight);
          return [f.geometry.coordinates[1], f.geometry.coordinates[0], weight];
        });
        this.addLayer(L.heatLayer(points, { radius: 25, blur: 20, max: most, minOpacity: 0.3 }));
      } else {
        collection.features.forEach(function (f) {
          var latlng = L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]), p = f.properties;
          if (p.count) {
            var size = p.count < 10 ? "small" : p.count < 100 ? "medium" : "large";
            var cell = L.marker(latlng, {
              icon: L.divIcon({ html: "<div><span>" + p.count + "</span></div>", iconSize: L.point(40, 40),
                className: "marker-cluster marker-cluster-" + size + " gisportal-cell gisportal-" + this.options.state }),
              title: p.count + " " + (labels.complaints || ""),
            });
            cell.on("click", function () { map.setView(latlng, Math.min(map.getZoom() + 2, map.getMaxZoom())); });
            layers.push(cell);
          } else {
            layers.push(L.circleMarker(latlng, { radius: 7, color: "#fff", weight: 1.5, fillColor: color, fillOpacity: 0.9 })
              .bindPopup("<strong>" + esc((labels.categories || {})[p.category] || p.category) + "</strong><br>" +
                esc((labels.statuses || {})[p.status] || p.status) + "<br>" + esc(p.day)));
          }
        }, this);
        layers.forEach(this.addLayer, this);
      }
      // For tests and bench/maps.py: how many draws, and when the first one ended.
      window.gisportalComplaintsDrawn = (window.gisportalComplaintsDrawn || 0) + 1;
      if (!window.gisportalComplaintsDrawnAt) { window.gisportalComplaintsDrawnAt = performance.now(); }
      if (map) { map.fire("gisportal:complaints", { features: collection.features.length }); }
    },
  });
  L.gisportalComplaints = function (options) { return new L.GisportalComplaints(options); };

  function metres(distance, labels) {
    return distance >= 1000 ? labels.km.replace("%(km).1f", (distance / 1000).toFixed(1))
      : labels.m.replace("%(m)d", String(Math.round(distance)));
  }
  // When the route nearest to her passes: its days and hours, how far it is, and whether that is too far to be sure.
  function collectedHTML(route, metresAway, labels, farRouteM) {
    var passes = labels.routeDistance.replace("%(route)s", route.name).replace("%(distance)s", metres(metresAway, labels));
    return "<p class=\"gisportal-collection\"><strong>" + esc(labels.collected) + "</strong> " + esc(route.days_label) +
      ", " + esc(route.starts) + "\u2013" + esc(route.ends) + ". " + esc(passes) + "</p>" +
      (metresAway > farRouteM ? "<p class=\"gisportal-far\" role=\"alert\">" + esc(labels.farRoute) + "</p>" : "");
  }
  // "Pharmacy, Avenue Bourguiba" says its kind already; "Pharmacie Ben Ali" gets it after its name.
  function serviceHTML(title, kindLabel, distance, labels) {
    var kind = title.indexOf(kindLabel) === 0 ? "" : " (" + kindLabel + ")";
    return "<p class=\"gisportal-service\"><strong>" + esc(labels.nearestService) + "</strong> " + esc(title) + esc(kind) +
      ", " + esc(distance) + "</p>";
  }
  // The kinds of the service points drawn on the map now: what "any service shown" means.
  function kindsShown(map) {
    var shown = {};
    map.eachLayer(function (layer) {
      if (layer.feature && layer.feature.geometry.type === "Point" && layer.feature.properties.kind) { shown[layer.feature.properties.kind] = true; }
    });
    return Object.keys(shown);
  }
  // The service point of one of `kinds` and the collection route drawn nearest to a place (shown layers only).
  function nearestOnMap(map, latlng, kinds) {
    var found = { service: null, route: null }, here = map.latLngToLayerPoint(latlng);
    function keep(kind, layer, distance) {
      if (!found[kind] || distance < found[kind].distance) { found[kind] = { properties: layer.feature.properties, distance: distance }; }
    }
    map.eachLayer(function (layer) {
      var feature = layer.feature;
      if (!feature || !feature.properties) { return; }
      if (feature.geometry.type === "Point" && layer.getLatLng && kinds.indexOf(feature.properties.kind) >= 0) {
        keep("service", layer, map.distance(latlng, layer.getLatLng()));
      } else if (/LineString$/.test(feature.geometry.type) && feature.properties.days_label) {
        var lines = layer.getLatLngs();
        (L.LineUtil.isFlat(lines) ? [lines] : lines).forEach(function (line) {
          for (var i = 1; i < line.length; i++) {
            var closest = L.LineUtil.closestPointOnSegment(here, map.latLngToLayerPoint(line[i - 1]), map.latLngToLayerPoint(line[i]));
            keep("route", layer, map.distance(latlng, map.layerPointToLatLng(closest)));
          }
        });
      }
    });
    return found;
  }

  // Tap the map (or ask for your position): the nearest service of the kind she looks for (or of those shown on
  // the map), and when the street is collected.
  L.Control.GisportalLookup = L.Control.extend({
    options: { position: "bottomleft", serviceUrl: null, collectionUrl: null, placesUrl: null, offline: false,
      kinds: [], farRouteM: 300, labels: {} },

    onAdd: function (map) {
      var labels = this.options.labels, self = this;
      var box = L.DomUtil.create("div", "leaflet-control gisportal-lookup");
      var locate = L.DomUtil.create("button", "gisportal-locate", box);
      locate.type = "button";
      locate.textContent = labels.whereAmI;
      if (this.options.placesUrl) {
        var search = L.DomUtil.create("form", "gisportal-search", box);
        var input = L.DomUtil.create("input", "", search);
        input.type = "search";
        input.placeholder = labels.search;
        input.setAttribute("aria-label", labels.search);
        L.DomEvent.on(search, "submit", function (e) {
          L.DomEvent.preventDefault(e);
          self.search(input.value);
        });
      }
      if (this.options.kinds.length) {
        var choice = L.DomUtil.create("label", "gisportal-kind", box);
        L.DomUtil.create("span", "", choice).textContent = labels.lookingFor;
        this._kind = L.DomUtil.create("select", "", choice);
        [["", labels.shown]].concat(this.options.kinds).forEach(function (kind) {
          var option = L.DomUtil.create("option", "", self._kind);
          option.value = kind[0];
          option.textContent = kind[1];
        });
        L.DomEvent.on(this._kind, "change", function () { if (self._here) { self.lookup(self._here, self._placeName); } });
      }
      this._answer = L.DomUtil.create("div", "gisportal-answer", box);
      this._answer.setAttribute("aria-live", "polite");
      this._answer.textContent = labels.hint;
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.on(locate, "click", function () { map.locate({ setView: true, maxZoom: 16 }); });
      map.on("locationfound", function (e) { self.lookup(e.latlng); });
      map.on("locationerror", function () { self._answer.textContent = labels.noPosition; });
      map.on("click", function (e) { self.lookup(e.latlng); });
      return box;
    },
    search: function (text) {
      var map = this._map, labels = this.options.labels, answer = this._answer, self = this;
      if (text.trim().length < 2) { return; }
      answer.textContent = labels.searching;
      getJSON(withQuery(this.options.placesUrl, { q: text.trim() })).then(function (found) {
        if (!found.places.length) { answer.textContent = labels.noPlace; return; }
        var place = found.places[0], latlng = L.latLng(place.lat, place.lon);
        map.setView(latlng, Math.max(map.getZoom(), 15));
        self.lookup(latlng, place.name);
      }).catch(function (error) { answer.textContent = labels.failed; console.warn(error.message); });
    },
    // What she looks for: the kind she chose, or every kind shown on the map; none when she has hidden them all.
    _kinds: function () {
      if (!this.options.kinds.length) { return []; }
      return this._kind.value ? [this._kind.value] : kindsShown(this._map);
    },
    _showService: function (latlng, target) {
      if (this._line) { this._line.remove(); this._line = null; }
      if (target) {
        this._line = L.polyline([latlng, target], { color: "#0b5a6b", weight: 2, dashArray: "4 4", interactive: false }).addTo(this._map);
      }
    },
    lookup: function (latlng, placeName) {
      var map = this._map, labels = this.options.labels, answer = this._answer, self = this;
      var here = { lat: latlng.lat.toFixed(6), lon: latlng.lng.toFixed(6) }, kinds = this._kinds(), far = this.options.farRouteM;
      this._here = latlng;
      this._placeName = placeName;
      if (this._marker) { this._marker.setLatLng(latlng); } else {
        this._marker = L.circleMarker(latlng, { radius: 6, color: "#0b5a6b", fillOpacity: 1, interactive: false }).addTo(map);
      }
      var asks = [], lookingForServices = this.options.kinds.length && (this.options.serviceUrl || this.options.offline);
      if (lookingForServices && !kinds.length) {
        asks.push(Promise.resolve("<p class=\"gisportal-service\">" + esc(labels.nothingShown) + "</p>"));
        this._showService(latlng, null);
      }
      if (this.options.offline) {
        // An exported file has no server: the answer comes from the layers drawn on the map.
        var near = nearestOnMap(map, latlng, kinds), kindLabels = {};
        this.options.kinds.forEach(function (kind) { kindLabels[kind[0]] = kind[1]; });
        if (lookingForServices && kinds.length) {
          asks.push(Promise.resolve(near.service ? serviceHTML(near.service.properties.title,
            kindLabels[near.service.properties.kind] || "", metres(near.service.distance, labels), labels) :
            "<p class=\"gisportal-service\">" + esc(labels.noService) + "</p>"));
        }
        if (near.route) { asks.push(Promise.resolve(collectedHTML(near.route.properties, near.route.distance, labels, far))); }
      }
      if (this.options.serviceUrl && kinds.length) {
        asks.push(getJSON(withQuery(this.options.serviceUrl, L.extend({ kind: kinds }, here))).then(function (s) {
          self._showService(latlng, s.nearest ? L.latLng(s.nearest.lat, s.nearest.lon) : null);
          return s.nearest ? serviceHTML(s.nearest.title, s.nearest.kind_label, s.nearest.distance, labels)
            : "<p class=\"gisportal-service\">" + esc(labels.noService) + "</p>";
        }));
      }
      if (this.options.collectionUrl) {
        asks.push(getJSON(withQuery(this.options.collectionUrl, here)).then(function (c) {
          return c.route ? collectedHTML(L.extend({ name: c.route }, c), c.distance_m, labels, far)
            : "<p>" + esc(labels.noRoute) + "</p>";
        }));
      }
      answer.textContent = labels.searching;
      Promise.all(asks).then(function (parts) {
        answer.innerHTML = (placeName ? "<p class=\"gisportal-place\"><strong>" + esc(placeName) + "</strong></p>" : "") + parts.join("");
      })
        .catch(function (error) { answer.textContent = labels.failed; console.warn(error.message); });
    },
  });
  L.control.gisportalLookup = function (options) { return new L.Control.GisportalLookup(options); };

  // A legend: its HTML is written (and translated) by the server.
  L.Control.GisportalLegend = L.Control.extend({
    options: { position: "bottomright", html: "" },
    onAdd: function () {
      var box = L.DomUtil.create("div", "leaflet-control gisportal-legend");
      box.innerHTML = this.options.html;
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    },
  });
  L.control.gisportalLegend = function (options) { return new L.Control.GisportalLegend(options); };
})();
