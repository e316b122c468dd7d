#!/usr/bin/env python3
"""Writes a synthetic 12345 work-order export (CSV, the documented default columns) for the import
benchmark: made-up callers, numbers, places and complaints, varied in length; no real data.

    python3 Benchmarks/import-gen.py ROWS > hotline.csv
"""
import csv
import random
import sys

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
rng = random.Random(20261207)
surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
places = ["人民路", "解放路", "建设路", "滨江路", "新华街", "和平里", "朝阳社区", "东山镇", "西湖街道", "幸福小区"]
issues = [
    ("噪音扰民", "环境保护", "夜间施工噪音很大，影响居民休息，希望有关部门尽快处理。"),
    ("路灯不亮", "城乡建设", "路灯已经坏了一个多月，晚上出行很不安全，请安排维修。"),
    ("垃圾清运不及时", "城乡建设", "小区垃圾站好几天没有清运，气味很大，蚊蝇很多。"),
    ("公交站牌损坏", "交通运输", "站牌被撞坏了，乘客看不到线路信息，希望尽快更换。"),
    ("社保转移咨询", "劳动和社会保障", "想咨询异地社保关系转移需要准备哪些材料，在哪里办理。"),
    ("学校周边拥堵", "教育文体", "上下学时段学校门口车辆乱停，交通拥堵，存在安全隐患。"),
    ("占道经营", "商贸旅游", "路边摊贩长期占道经营，行人只能走机动车道，十分危险。"),
]
out = csv.writer(sys.stdout, lineterminator="\r\n")
out.writerow(["external_id", "received_at", "caller_name", "caller_phone", "title", "body", "category", "address"])
for n in range(rows):
    title, category, text = rng.choice(issues)
    place = rng.choice(places)
    extra = "".join(rng.choice(issues)[2] for _ in range(rng.randint(0, 3)))
    day = 1 + n * 300 // max(1, rows)
    out.writerow([
        f"GD{2026_000000 + n}",
        f"2026-{1 + (day // 28) % 11:02d}-{1 + day % 28:02d} {rng.randint(8, 21):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}",
        rng.choice(surnames) + rng.choice(["先生", "女士"]),
        f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}",
        f"{place}{title}",
        f"{place}{rng.randint(1, 300)}号附近，{text}{extra}",
        category,
        f"示范市{place}{rng.randint(1, 300)}号{rng.randint(1, 12)}单元",
    ])
