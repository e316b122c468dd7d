import Foundation
import MinshengCore

/// The made-up city of the demonstration: generic names only, offices by title, never a person.
enum DemoCatalogue {
  struct Area {
    var code: String
    var name: String
    var isCounty: Bool
  }

  static let city = (code: "990000", name: "示范市")
  static let areas: [Area] = [
    Area(code: "990101", name: "中心区", isCounty: false),
    Area(code: "990102", name: "滨江区", isCounty: false),
    Area(code: "990103", name: "高新区", isCounty: false),
    Area(code: "990201", name: "东山县", isCounty: true),
    Area(code: "990202", name: "西岭县", isCounty: true),
    Area(code: "990203", name: "南湖县", isCounty: true),
  ]

  /// City units: code, name, whether replies need review.
  static let cityUnits: [(String, String, Bool)] = [
    ("ZJW", "市住房和城乡建设委员会", true), ("RSJ", "市人力资源和社会保障局", true), ("STHJ", "市生态环境局", false),
    ("JTJ", "市交通运输局", false), ("JW", "市教育委员会", true), ("WJW", "市卫生健康委员会", false),
    ("SCJG", "市市场监督管理局", false), ("CGJ", "市城市管理局", false), ("GTJ", "市规划和自然资源局", false),
    ("SWJ", "市水务局", false), ("MZJ", "市民政局", false), ("SWW", "市商务委员会", false),
    ("WLW", "市文化和旅游发展委员会", false), ("NYW", "市农业农村委员会", false), ("YBJ", "市医疗保障局", true),
    ("YJJ", "市应急管理局", false), ("GAJ", "市公安局", true),
  ]

  /// First-level categories (the 12345 classification in use on boards), their city unit, and the
  /// words the demonstration messages are made of.
  struct Topic {
    var code: String
    var name: String
    var unit: String
    var titles: [String]
    var bodies: [String]
  }

  static let topics: [Topic] = [
    Topic(
      code: "CXJS", name: "城乡建设", unit: "ZJW",
      titles: ["{place}工地夜间施工噪音扰民", "{place}老旧小区改造进度缓慢", "{place}小区电梯长期故障无人维修", "{place}楼栋外墙瓷砖脱落存在隐患"],
      bodies: [
        "{place}附近工地每天晚上十一点以后还在施工，打桩声和运渣车的声音很大，家里老人孩子都睡不好，希望有关部门核查夜间施工许可并督促整改。",
        "我们{place}纳入老旧小区改造已经半年多了，现场只拆了部分管道就停工了，路面坑洼、下雨积水，居民出行很不方便，请问什么时候能完工？",
        "{place}3号楼电梯已经停运一个多月，物业说在等配件，楼里有好几位行动不便的老人，上下楼非常困难，请帮忙督促尽快修好。",
      ]),
    Topic(
      code: "LDSB", name: "劳动和社会保障", unit: "RSJ",
      titles: ["{place}务工人员工资被拖欠", "异地办理社保卡咨询", "退休人员养老金待遇认证问题", "灵活就业人员社保缴费咨询"],
      bodies: [
        "我们十几名工友在{place}的项目上干了四个月，工程结束后施工方一直拖着不发工资，多次讨要无果，马上过年了，恳请帮助解决。",
        "我是在外地居住的退休人员，社保卡过期需要换新卡，请问能否在居住地办理，需要准备哪些材料？",
        "本人为灵活就业人员，想咨询今年社保缴费基数和缴费渠道，线上缴费一直提示失败，请相关部门给予解答。",
      ]),
    Topic(
      code: "JYWT", name: "教育文体", unit: "JW",
      titles: ["{place}学校门口有摊贩售卖抽奖玩具", "{place}幼儿园入园报名咨询", "{place}学校周边交通拥堵存在安全隐患"],
      bodies: [
        "{place}学校门口每天放学时都有流动摊贩售卖类似抽奖的玩具，很多孩子把零花钱都花在上面，希望有关部门检查整治。",
        "请问今年{place}公办幼儿园的报名时间和划片范围是怎样的？网上没有找到具体通知。",
        "{place}学校上下学高峰时段车辆乱停乱放，学生过马路很危险，建议增设护学岗和临时停车区域。",
      ]),
    Topic(
      code: "SMLY", name: "商贸旅游", unit: "SCJG",
      titles: ["{place}超市销售过期食品", "{place}景区停车收费不合理", "预付卡商家关门无法退费", "建议推广本地特色农产品"],
      bodies: [
        "在{place}的超市买到的牛奶已经过了保质期，和店家交涉只愿意换货不愿意赔偿，请市场监管部门处理。",
        "我在{place}一家健身房办了预付卡，现在商家突然关门，卡里还有三千多元，联系不上负责人，请求帮助维权。",
        "我们村种的脐橙品质很好但销路不畅，建议在{place}举办农产品展销活动，帮助农户增收。",
      ]),
    Topic(
      code: "HJBH", name: "环境保护", unit: "STHJ",
      titles: ["{place}餐馆油烟直排扰民", "{place}河道有异味疑似污水排放", "{place}工厂夜间排放刺鼻气体"],
      bodies: [
        "{place}楼下新开的几家餐馆油烟没有经过净化直接排放，楼上住户窗户都不敢开，请有关部门检查处理。",
        "{place}附近的河道最近总是发黑发臭，怀疑有企业偷排污水，希望环保部门来取样检测。",
        "每到晚上{place}附近就能闻到刺鼻的气味，怀疑是工厂偷偷排放废气，严重影响居民健康。",
      ]),
    Topic(
      code: "WSJS", name: "卫生计生", unit: "WJW",
      titles: ["{place}社区医院挂号难", "疫苗接种预约咨询", "{place}诊所收费不透明"],
      bodies: [
        "{place}社区卫生服务中心每天早上号源很少，老人排队一两个小时也挂不上号，建议增加号源或开通电话预约。",
        "请问孩子的疫苗在哪里可以预约接种？线上预约系统一直显示已约满。",
        "在{place}一家私人诊所看病，收费项目没有明细，价格明显偏高，请卫生部门核查。",
      ]),
    Topic(
      code: "JTYS", name: "交通运输", unit: "JTJ",
      titles: ["{place}公交线路调整后出行不便", "{place}路口红绿灯时长不合理", "{place}道路破损严重", "建议增开{place}夜班公交"],
      bodies: [
        "{place}的公交线路调整后，附近居民要步行二十多分钟才能坐上车，希望恢复原来的站点或增设接驳线路。",
        "{place}路口左转绿灯只有十几秒，高峰期车辆排队很长，建议调整信号灯配时。",
        "{place}的路面坑洼不平，下雨后积水严重，已经有电动车摔倒，请尽快修复。",
      ]),
  ]

  static let places = [
    "滨江路", "和平小区", "文化街", "幸福里社区", "新华路", "人民广场", "东湖花园", "光明村", "中山路", "翠湖苑", "工业园区",
    "火车站片区", "解放西路", "南湖新城", "白鹭湾小区",
  ]

  static let replies = [
    "您反映的问题已收悉。经现场核查，情况属实，我单位已责成相关责任主体限期整改，并将持续跟踪整改情况。感谢您对我们工作的监督。",
    "经调查，该问题涉及多个部门，我单位已会同相关部门召开协调会，明确了处理措施和时间节点，预计两周内完成。如有疑问可致电 12345 咨询。",
    "您好，您咨询的事项可通过政务服务网或就近的政务服务中心办理，所需材料为身份证、社保卡及相关证明。工作人员已电话与您联系并作了解答。",
  ]

  /// 知识库: reply templates and approved answers (category code, or nil for every area).
  static let knowledge: [(kind: String, category: String?, title: String, body: String)] = [
    (
      "template", nil, "答复模板：已核查并整改",
      "您好！您反映的问题已收悉。经我单位工作人员现场核查，情况属实。我单位已责成相关责任方于____前整改完毕，并将跟踪整改结果。如仍有问题，请拨打 12345 反映。感谢您对我们工作的理解和支持。"
    ),
    (
      "template", nil, "答复模板：不属实或已解决",
      "您好！您反映的问题已收悉。经我单位工作人员现场核查，____。我单位已与您电话沟通并说明情况。感谢您对我们工作的监督。"
    ),
    (
      "template", "CXJS", "答复模板：夜间施工噪音",
      "您好！您反映的夜间施工噪音问题已收悉。经核查，该工地夜间施工许可范围为____，我单位已责令施工单位严格按许可时段作业，并将加强夜间巡查。如再发现违规施工，请拨打 12345 反映。"
    ),
    (
      "answer", "LDSB", "异地换领社保卡怎么办理",
      "参保人可在居住地的社保卡服务网点或通过官方政务服务平台申请换领，需本人身份证；邮寄到家需 7 至 10 个工作日。"
    ),
    (
      "answer", "JTYS", "公交线路调整如何提出建议",
      "市民可通过本平台或 12345 热线提出线路调整建议，交通运输部门每季度汇总评估，确需调整的将公示征求意见后实施。"
    ),
  ]
}
