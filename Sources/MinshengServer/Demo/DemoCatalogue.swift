import Foundation
import MinshengCore

/// The made-up city of the demonstration: generic names only, offices by title, never a person.
enum DemoCatalogue {
  struct Area {
    var code: String
    var name: String
    var isCounty: Bool
    /// The first part of its office's account names (`zxq.dispatcher`).
    var account: String
  }

  static let city = (code: "990000", name: "示范市")
  static let areas: [Area] = [
    Area(code: "990101", name: "中心区", isCounty: false, account: "zxq"),
    Area(code: "990102", name: "滨江区", isCounty: false, account: "bjq"),
    Area(code: "990103", name: "高新区", isCounty: false, account: "gxq"),
    Area(code: "990201", name: "东山县", isCounty: true, account: "dsx"),
    Area(code: "990202", name: "西岭县", isCounty: true, account: "xlx"),
    Area(code: "990203", name: "南湖县", isCounty: true, account: "nhx"),
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
  /// cases the demonstration messages are made of: each title with its own body and the reply written
  /// for it (`{place}` is filled in with one of `places`).
  struct Topic {
    var code: String
    var name: String
    var unit: String
    var cases: [Case]
  }

  struct Case {
    var title: String
    var body: String
    var reply: String
  }

  /// 补充问题 the demonstration's categories ask of a partner's request (Open311 attributes), as an
  /// administrator writes them on `/staff/admin/categories`.
  static let questions: [String: String] = [
    "CXJS": """
    KIND | singlevaluelist | 必填 | 问题属于哪一类 | light=路灯不亮; road=道路破损; cover=井盖缺失或松动; noise=施工噪音; other=其他
    POLE | string | 选填 | 路灯杆或井盖上的编号（如有）
    SINCE | datetime | 选填 | 大约从什么时候开始
    """,
    "JTYS": """
    LINE | string | 选填 | 涉及的公交线路或路段
    WHEN | multivaluelist | 选填 | 通常在什么时段 | morning=早高峰; day=白天; evening=晚高峰; night=夜间
    """,
  ]

  static let topics: [Topic] = [
    Topic(
      code: "CXJS", name: "城乡建设", unit: "ZJW",
      cases: [
        Case(
          title: "{place}工地夜间施工噪音扰民",
          body: "{place}附近工地每天晚上十一点以后还在施工，打桩声和运渣车的声音很大，家里老人孩子都睡不好，希望有关部门核查夜间施工许可并督促整改。",
          reply:
            "您好！您反映的{place}附近工地夜间施工噪音问题已收悉。经我委会同城管执法部门现场核查，该工地未办理夜间施工许可，已责令其晚十点后停止高噪音作业，并对施工单位依法处罚。我们将加强夜间巡查，如再有类似情况请拨打 12345 反映。"
        ),
        Case(
          title: "{place}老旧小区改造进度缓慢",
          body: "我们{place}纳入老旧小区改造已经半年多了，现场只拆了部分管道就停工了，路面坑洼、下雨积水，居民出行很不方便，请问什么时候能完工？",
          reply: "您好！经核实，{place}老旧小区改造因地下管网迁改需与燃气、供水单位协调，工期有所滞后。目前已召开协调会明确各方时间节点，施工单位已恢复施工，坑洼路面已临时修补，预计下月底完成主体改造。"),
        Case(
          title: "{place}小区电梯长期故障无人维修",
          body: "{place}3号楼电梯已经停运一个多月，物业说在等配件，楼里有好几位行动不便的老人，上下楼非常困难，请帮忙督促尽快修好。",
          reply: "您好！接到反映后，我委会同特种设备监管部门约谈了{place}物业服务企业和电梯维保单位。配件已于本周到货，电梯已修复并经检验合格恢复运行，我们已要求物业建立故障限时维修制度。"),
        Case(
          title: "{place}楼栋外墙瓷砖脱落存在隐患",
          body: "{place}几栋楼的外墙瓷砖最近接连脱落，有一块砸在了停在楼下的电动车上，幸好当时没有人经过，请尽快排查处理，消除安全隐患。",
          reply: "您好！我委已组织{place}所在街道和物业对外墙进行全面排查，对空鼓、脱落部位设置了警示围挡，维修资金申请已受理，将尽快安排专业队伍修复。"),
      ]),
    Topic(
      code: "LDSB", name: "劳动和社会保障", unit: "RSJ",
      cases: [
        Case(
          title: "{place}务工人员工资被拖欠",
          body: "我们十几名工友在{place}的项目上干了四个月，工程结束后施工方一直拖着不发工资，多次讨要无果，马上过年了，恳请帮助解决。",
          reply: "您好！我局劳动保障监察机构已对{place}项目施工方立案调查，责令其限期支付拖欠的工资。施工方已将工资款转入农民工工资专用账户，将于近日发放到位；如仍未收到，请携带考勤记录到劳动保障监察大队反映。"),
        Case(
          title: "异地办理社保卡咨询",
          body: "我是在外地居住的退休人员，社保卡过期需要换新卡，请问能否在居住地办理，需要准备哪些材料？",
          reply: "您好！社保卡到期换卡可在居住地的合作银行网点办理，也可通过电子社保卡线上申请邮寄到家，需提供本人身份证和原社保卡。办理进度可拨打 12333 查询。"),
        Case(
          title: "灵活就业人员社保缴费咨询",
          body: "本人为灵活就业人员，想咨询今年社保缴费基数和缴费渠道，线上缴费一直提示失败，请相关部门给予解答。",
          reply: "您好！灵活就业人员今年的缴费基数可在上年度全市平均工资的 60% 至 300% 之间自主选择。线上缴费提示失败多因未签订缴费协议，请先在社保服务平台签订协议后再缴费，或到就近社保经办窗口办理。"),
        Case(
          title: "退休人员养老金待遇认证问题",
          body: "我母亲今年七十多岁，不会用智能手机，养老金待遇认证一直做不了，担心养老金被停发，请问有没有其他认证办法？",
          reply: "您好！除手机认证外，老人可到就近的社区服务站由工作人员协助认证；行动不便的可申请工作人员上门认证。认证期内未完成的不会立即停发，完成认证后即恢复发放。"),
      ]),
    Topic(
      code: "JYWT", name: "教育文体", unit: "JW",
      cases: [
        Case(
          title: "{place}学校门口有摊贩售卖抽奖玩具",
          body: "{place}学校门口每天放学时都有流动摊贩售卖类似抽奖的玩具，很多孩子把零花钱都花在上面，希望有关部门检查整治。",
          reply: "您好！我委已会同市场监管、城管部门对{place}学校周边开展联合检查，清理了售卖抽奖类玩具的流动摊贩，并要求学校加强对学生的教育引导，后续将开展常态化巡查。"),
        Case(
          title: "{place}幼儿园入园报名咨询",
          body: "请问今年{place}公办幼儿园的报名时间和划片范围是怎样的？网上没有找到具体通知。",
          reply: "您好！今年公办幼儿园报名时间为 6 月 1 日至 6 月 10 日，通过市教育服务平台网上报名；划片范围以各区县教育部门公布的招生简章为准，您可在平台上查询{place}对应的幼儿园。"),
        Case(
          title: "{place}学校周边交通拥堵存在安全隐患",
          body: "{place}学校上下学高峰时段车辆乱停乱放，学生过马路很危险，建议增设护学岗和临时停车区域。",
          reply: "您好！我委已协调公安交管部门在{place}学校上下学时段增派警力，设置了临时停车区和护学岗，并施划了人行横道，请家长配合有序接送。"),
      ]),
    Topic(
      code: "SMLY", name: "商贸旅游", unit: "SCJG",
      cases: [
        Case(
          title: "{place}超市销售过期食品",
          body: "在{place}的超市买到的牛奶已经过了保质期，和店家交涉只愿意换货不愿意赔偿，请市场监管部门处理。",
          reply: "您好！我局执法人员已到{place}该超市现场检查，查实其销售超过保质期的乳制品，已依法立案处理，责令其下架全部过期食品，并按规定向您赔偿。"),
        Case(
          title: "预付卡商家关门无法退费",
          body: "我在{place}一家健身房办了预付卡，现在商家突然关门，卡里还有三千多元，联系不上负责人，请求帮助维权。",
          reply: "您好！我局已对{place}该健身房经营者立案调查并列入经营异常名录。请您保留好合同和付款凭证，我局将组织集中登记，协助消费者依法维权；涉嫌诈骗的已移送公安机关。"),
        Case(
          title: "建议推广本地特色农产品",
          body: "我们村种的脐橙品质很好但销路不畅，建议在{place}举办农产品展销活动，帮助农户增收。",
          reply: "感谢您的建议！今年秋季将在{place}举办农特产品展销会，并组织电商平台开展直播带货，欢迎您所在村的合作社报名参加。"),
        Case(
          title: "{place}景区停车收费不合理",
          body: "{place}景区停车场节假日每小时收费二十元，远高于公示标准，而且只收现金不开发票，请有关部门查处。",
          reply: "您好！经核查，{place}景区停车场存在未按公示标准收费的问题，我局已责令其立即整改、退还多收费用，并依法予以处罚。"),
      ]),
    Topic(
      code: "HJBH", name: "环境保护", unit: "STHJ",
      cases: [
        Case(
          title: "{place}餐馆油烟直排扰民",
          body: "{place}楼下新开的几家餐馆油烟没有经过净化直接排放，楼上住户窗户都不敢开，请有关部门检查处理。",
          reply: "您好！经现场检查，{place}三家餐馆油烟净化设施未正常运行，我局已责令其限期安装、清洗净化设备，整改期间限制明火作业，后续将进行复查。"),
        Case(
          title: "{place}河道有异味疑似污水排放",
          body: "{place}附近的河道最近总是发黑发臭，怀疑有企业偷排污水，希望环保部门来取样检测。",
          reply: "您好！我局已对{place}附近河道取样监测，发现一处雨污混接口有生活污水流入，已责成属地街道和水务部门封堵改造，河道水质将持续监测。"),
        Case(
          title: "{place}工厂夜间排放刺鼻气体",
          body: "每到晚上{place}附近就能闻到刺鼻的气味，怀疑是工厂偷偷排放废气，严重影响居民健康。",
          reply: "您好！我局执法人员夜间突击检查了{place}周边企业，发现一家企业废气处理设施未开启，已依法立案查处，并督促其安装在线监控设备。"),
      ]),
    Topic(
      code: "WSJS", name: "卫生计生", unit: "WJW",
      cases: [
        Case(
          title: "{place}社区医院挂号难",
          body: "{place}社区卫生服务中心每天早上号源很少，老人排队一两个小时也挂不上号，建议增加号源或开通电话预约。",
          reply: "您好！{place}社区卫生服务中心已增加上午号源 30 个，开通电话和网上预约，并为老年人保留现场号。"),
        Case(
          title: "疫苗接种预约咨询",
          body: "请问孩子的疫苗在哪里可以预约接种？线上预约系统一直显示已约满。",
          reply: "您好！儿童疫苗可在户籍地或居住地的社区卫生服务中心接种，每周二、周四上午放号。线上约满时，可直接致电接种门诊登记候补。"),
        Case(
          title: "{place}诊所收费不透明",
          body: "在{place}一家私人诊所看病，收费项目没有明细，价格明显偏高，请卫生部门核查。",
          reply: "您好！我委已会同市场监管部门对{place}该诊所进行检查，发现其未公示收费项目和标准，已责令整改，违规收取的费用予以退还。"),
      ]),
    Topic(
      code: "JTYS", name: "交通运输", unit: "JTJ",
      cases: [
        Case(
          title: "{place}公交线路调整后出行不便",
          body: "{place}的公交线路调整后，附近居民要步行二十多分钟才能坐上车，希望恢复原来的站点或增设接驳线路。",
          reply: "您好！经调研，我局已在{place}增设一条社区接驳线路，高峰时段 15 分钟一班，将于下周一开通运行。"),
        Case(
          title: "{place}路口红绿灯时长不合理",
          body: "{place}路口左转绿灯只有十几秒，高峰期车辆排队很长，建议调整信号灯配时。",
          reply: "您好！经会同公安交管部门现场评估，{place}路口高峰时段左转绿灯已延长至 35 秒，我们将根据车流量继续优化配时。"),
        Case(
          title: "{place}道路破损严重",
          body: "{place}的路面坑洼不平，下雨后积水严重，已经有电动车摔倒，请尽快修复。",
          reply: "您好！我局养护单位已对{place}破损路面进行修补，积水点的排水管道已疏通，该路段将纳入今年的道路大修计划。"),
        Case(
          title: "建议增开{place}夜班公交",
          body: "{place}附近很多人在商圈上晚班，晚上十点后就没有公交车了，打车很贵，建议增开夜班公交线路。",
          reply: "感谢您的建议！我局已将{place}夜班公交纳入今年线网优化方案，计划先试运行一条夜班线路至 23:30，再根据客流情况调整。"),
      ]),
  ]

  static let places = [
    "滨江路", "和平小区", "文化街", "幸福里社区", "新华路", "人民广场", "东湖花园", "光明村", "中山路", "翠湖苑", "工业园区",
    "火车站片区", "解放西路", "南湖新城", "白鹭湾小区",
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
