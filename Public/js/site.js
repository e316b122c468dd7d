// 民生之声: the live character counter of the write form. The page works without it.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".counter[data-max]").forEach(function (counter) {
    var field = document.getElementById(counter.id.replace(/-count$/, ""));
    if (!field) return;
    var max = parseInt(counter.getAttribute("data-max"), 10);
    var unit = counter.getAttribute("data-unit") || "";
    var update = function () {
      var used = Array.from(field.value).length;
      counter.textContent = used + " / " + max + " " + unit;
      counter.classList.toggle("over", used > max);
    };
    field.addEventListener("input", update);
    update();
  });
  var errors = document.getElementById("errors");
  if (errors) {
    errors.focus();
    // A summary line's link moves the focus to its field, so a keyboard or screen reader is there.
    errors.querySelectorAll("a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = document.getElementById(link.getAttribute("href").slice(1));
        if (!field) return;
        event.preventDefault();
        field.focus();
        field.scrollIntoView({ block: "center" });
      });
    });
  }

  // 获取验证码 without leaving the page (so chosen images stay chosen); the button works without it.
  var send = document.getElementById("send-code");
  var form = document.getElementById("write-form");
  if (send && form && window.fetch && window.FormData) {
    send.addEventListener("click", function (event) {
      event.preventDefault();
      var status = document.getElementById("code-status");
      var data = new FormData();
      data.append("_csrf", form.elements["_csrf"].value);
      data.append("phone", form.elements["phone"].value);
      send.disabled = true;
      var label = send.textContent, wait = 60;
      // The button counts down the wait the server names (Retry-After), a minute after a code is sent.
      var countDown = function () {
        if (wait <= 0) { send.disabled = false; send.textContent = label; return; }
        send.textContent = (send.getAttribute("data-wait") || "{seconds}").replace("{seconds}", wait);
        wait -= 1;
        setTimeout(countDown, 1000);
      };
      fetch(send.getAttribute("formaction"), { method: "POST", body: data, headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) {
          var after = parseInt(r.headers.get("Retry-After") || "", 10);
          wait = after > 0 ? after : (r.ok ? 60 : 0);
          return r.json();
        })
        .then(function (result) { status.textContent = result.message; countDown(); })
        .catch(function () { status.textContent = ""; send.disabled = false; form.submit(); });
    });
  }

  // 知识库: insert an approved answer or template into the reply being written (staff case page).
  document.querySelectorAll(".kb-entry").forEach(function (entry) {
    var button = entry.querySelector(".kb-insert");
    var text = entry.querySelector(".kb-text");
    var target = document.querySelector("#a-reply textarea[name=body], #a-answer_directly textarea[name=body]");
    if (!button || !text || !target) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      target.value = (target.value ? target.value + "\n" : "") + text.textContent;
      var details = target.closest("details");
      if (details) details.open = true;
      target.focus();
    });
  });

  // The classifier's suggested area, offered once the author has written a little.
  var hint = document.getElementById("category-suggestion");
  if (hint && form && window.fetch) {
    var timer = null;
    var ask = function () {
      var title = form.elements["title"].value, body = form.elements["body"].value;
      if (Array.from(title + body).length < 8) return;
      var data = new FormData();
      data.append("_csrf", form.elements["_csrf"].value);
      data.append("title", title);
      data.append("body", body);
      fetch(hint.getAttribute("data-url"), { method: "POST", body: data, headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          hint.textContent = "";
          if (!s.found) return;
          hint.appendChild(document.createTextNode(s.text));
          var use = document.createElement("button");
          use.type = "button";
          use.textContent = hint.getAttribute("data-use");
          use.addEventListener("click", function () { form.elements["category"].value = s.categoryID; });
          hint.appendChild(use);
        })
        .catch(function () {});
    };
    ["title", "body"].forEach(function (name) {
      form.elements[name].addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 700); });
    });
  }
});
