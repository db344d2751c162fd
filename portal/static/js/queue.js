// Review queues for dozens a day: j/k move between rows, a approves, r opens the return
// comment; the header box ticks every row of the page. Each move is announced in the
// queue's live region. Nothing here is needed: without JavaScript the forms still post.
(function () {
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("table.queue tbody tr[id]"));
  }
  function announce(text) {
    var region = document.getElementById("queue-announce");
    if (region) region.textContent = text;
  }
  function current() {
    return document.querySelector("table.queue tbody tr.current");
  }
  function select(row, list) {
    if (!row) return;
    list.forEach(function (r) { r.classList.remove("current"); });
    row.classList.add("current");
    row.setAttribute("tabindex", "-1");
    row.focus();
    var name = row.querySelector("td a");
    announce("第 " + (list.indexOf(row) + 1) + " 行，共 " + list.length + " 行：" +
             (name ? name.textContent.trim() : ""));
  }
  document.addEventListener("keydown", function (evt) {
    if (evt.altKey || evt.ctrlKey || evt.metaKey) return;
    var tag = (evt.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || evt.target.isContentEditable) return;
    var list = rows();
    if (!list.length) return;
    var row = current();
    var index = row ? list.indexOf(row) : -1;
    if (evt.key === "j") { select(list[Math.min(index + 1, list.length - 1)], list); }
    else if (evt.key === "k") { select(list[Math.max(index - 1, 0)], list); }
    else if (evt.key === "a" && row) {
      var approve = row.querySelector('button[name="decision"][value="approve"]');
      if (!approve) { announce("该行已处理，不能通过"); return; }
      announce("正在通过…");
      approve.click();
    } else if (evt.key === "r" && row) {
      var comment = row.querySelector('input[name="comment"]');
      if (!comment) { announce("该行已处理，不能退回"); return; }
      comment.focus();
      announce("请填写退回意见，然后按“退回修改”按钮");
    } else { return; }
    evt.preventDefault();
  });
  document.addEventListener("change", function (evt) {
    var all = evt.target.closest && evt.target.closest("input[data-select-all]");
    if (!all) return;
    var boxes = document.querySelectorAll('input[name="ids"][form="' + all.dataset.selectAll + '"]');
    boxes.forEach(function (box) { box.checked = all.checked; });
    announce(all.checked ? "已勾选本页 " + boxes.length + " 名" : "已取消勾选");
  });
})();
