/* SaferCity staff UI: progressive enhancement only. Every form works without this file.
   - the map (Leaflet, served by the app) with district outlines, pins and the report;
     tapping it drops a pin into the correction form;
   - the place search suggests gazetteer matches as you type;
   - a character counter on the reply box. */
(function () {
  "use strict";

  function byId(id) { return document.getElementById(id); }

  function setupMap() {
    var el = byId("map");
    var dataEl = byId("map-data");
    if (!el || !dataEl || typeof window.L === "undefined") { return null; }
    var data = JSON.parse(dataEl.textContent || "{}");
    var L = window.L;
    var map = L.map(el, { zoomControl: true });
    if (data.tiles) {
      L.tileLayer(data.tiles, { maxZoom: 19, attribution: data.attribution || "" }).addTo(map);
    }
    var bounds = [];
    var marker = null;
    function put(lat, lon) {
      if (marker) { marker.setLatLng([lat, lon]); }
      else { marker = L.marker([lat, lon], { title: "report" }).addTo(map); }
    }
    if (data.report) {
      put(data.report.lat, data.report.lon);
      marker.bindPopup(document.createTextNode(data.report.place || "report"));
      bounds.push([data.report.lat, data.report.lon]);
    }
    (data.pins || []).forEach(function (pin) {
      L.circleMarker([pin.lat, pin.lon], { radius: 7, color: "#b3261e" })
        .bindPopup(document.createTextNode("citizen's pin " + (pin.label || "")))
        .addTo(map);
      bounds.push([pin.lat, pin.lon]);
    });
    (data.nearby || []).forEach(function (other) {
      L.circleMarker([other.lat, other.lon], { radius: 5, color: "#5b6675" })
        .bindPopup(document.createTextNode(other.reference))
        .addTo(map);
    });
    if (bounds.length > 1) { map.fitBounds(bounds, { paddingTopLeft: [30, 50], paddingBottomRight: [30, 20], maxZoom: 16 }); }
    else if (bounds.length) { map.setView(bounds[0], 15); }
    else { map.setView([17.25, -88.77], 8); }  // all of Belize, its districts outlined
    if (data.districts) {
      fetch(data.districts, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (geo) {
          if (!geo) { return; }
          L.geoJSON(geo, {
            style: { color: "#12263f", weight: 1, fillOpacity: 0.04 },
            attribution: "Districts: geoBoundaries, &copy; OpenStreetMap contributors (ODbL)",
            onEachFeature: function (feature, layer) {
              var name = feature.properties && (feature.properties.name || feature.properties.NAME_1);
              if (name) { layer.bindTooltip(String(name)); }
            }
          }).addTo(map);
        })
        .catch(function () {});
    }
    if (data.editable) {
      map.on("click", function (e) {
        var lat = byId("lat"), lon = byId("lon"), q = byId("place-query");
        if (!lat || !lon) { return; }
        lat.value = e.latlng.lat.toFixed(6);
        lon.value = e.latlng.lng.toFixed(6);
        if (q) { q.value = ""; }
        put(e.latlng.lat, e.latlng.lng);
      });
    }
    return { map: map, put: put };
  }

  function setupSearch(mapper) {
    var input = byId("place-query"), list = byId("place-results");
    if (!input || !list || !window.fetch) { return; }
    var timer = null, last = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q.length < 2 || q === last) { return; }
        last = q;
        fetch(input.getAttribute("data-search") + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (body) {
            list.textContent = "";
            (body.results || []).forEach(function (place) {
              var li = document.createElement("li");
              var b = document.createElement("button");
              b.type = "button";
              b.textContent = place.place + (place.district ? ", " + place.district : "");
              b.addEventListener("click", function () {
                input.value = place.place;
                byId("lat").value = place.lat;
                byId("lon").value = place.lon;
                list.hidden = true;
                if (mapper) { mapper.put(place.lat, place.lon); mapper.map.setView([place.lat, place.lon], 15); }
              });
              li.appendChild(b);
              list.appendChild(li);
            });
            list.hidden = !list.children.length;
          })
          .catch(function () { list.hidden = true; });
      }, 250);
    });
  }

  function setupCounter() {
    var area = document.querySelector("textarea[data-counter]");
    if (!area) { return; }
    var out = byId(area.getAttribute("data-counter"));
    function update() { out.textContent = area.value.length + " characters."; }
    area.addEventListener("input", update);
    update();
  }

  // The queue page asks every 30 s whether anything was flagged since it loaded, and says so
  // (urgent in red) without reloading under a reviewer who is choosing filters.
  function setupQueueWatch() {
    var news = byId("queue-news");
    if (!news || !window.fetch) { return; }
    var seen = parseInt(news.getAttribute("data-newest") || "0", 10);
    function poll() {
      fetch(news.getAttribute("data-poll"), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) {
          if (!body || body.newest_flag <= seen) { return; }
          news.hidden = false;
          news.className = "news" + (body.urgent_open ? " urgent" : "");
          news.firstChild.href = window.location.href;
          document.title = "(new) " + document.title.replace(/^\(new\) /, "");
        })
        .catch(function () {});
    }
    window.setInterval(poll, 30000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupQueueWatch();
    var mapper = null;
    try { mapper = setupMap(); } catch (e) { mapper = null; }
    setupSearch(mapper);
    setupCounter();
  });
})();
