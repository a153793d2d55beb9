/* Name pools for the demo registers. Surnames carry rough frequencies;
 * given names follow the fashions of their decade, so a grandmother is
 * 秀英 and her granddaughter 子涵. Place names are invented stems. */
#include "demo/names.h"

#include <stdio.h>
#include <string.h>

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

void demo_rng_seed(struct demo_rng *r, uint64_t seed, uint64_t stream)
{
	r->s = seed * 0x9E3779B97F4A7C15ULL ^ (stream + 0x632BE59BD9B4E019ULL);
	demo_rng_next(r);
}

uint64_t demo_rng_next(struct demo_rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

int demo_rng_int(struct demo_rng *r, int lo, int hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int)(demo_rng_next(r) % (uint64_t)(hi - lo + 1));
}

double demo_rng_real(struct demo_rng *r)
{
	return (double)(demo_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

bool demo_rng_chance(struct demo_rng *r, double p)
{
	return demo_rng_real(r) < p;
}

uint64_t demo_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static const char *pick(struct demo_rng *r, const char *const *pool, int n)
{
	return pool[demo_rng_int(r, 0, n - 1)];
}
#define PICK(r, pool) pick((r), (pool), COUNT(pool))

/* --- people ---------------------------------------------------------------- */

/* Per ten thousand people, roughly the national figures. */
static const struct {
	const char *name;
	int weight;
} surnames[] = {
	{"李", 794}, {"王", 741}, {"张", 707}, {"刘", 538}, {"陈", 453}, {"杨", 308}, {"赵", 229},
	{"黄", 223}, {"周", 212}, {"吴", 205}, {"徐", 167}, {"孙", 154}, {"胡", 131}, {"朱", 126},
	{"高", 121}, {"林", 118}, {"何", 117}, {"郭", 115}, {"马", 105}, {"罗", 86},  {"梁", 82},
	{"宋", 80},  {"郑", 78},  {"谢", 68},  {"韩", 65},  {"唐", 63},  {"冯", 62},  {"于", 62},
	{"董", 60},  {"萧", 30},  {"程", 58},  {"曹", 57},  {"袁", 55},  {"邓", 55},  {"许", 54},
	{"傅", 53},  {"沈", 52},  {"曾", 51},  {"彭", 50},  {"吕", 49},  {"苏", 48},  {"卢", 47},
	{"蒋", 46},  {"蔡", 45},  {"贾", 44},  {"丁", 43},  {"魏", 42},  {"薛", 41},  {"叶", 40},
	{"阎", 39},  {"余", 38},  {"潘", 37},  {"杜", 36},  {"戴", 35},  {"夏", 34},  {"钟", 33},
	{"汪", 32},  {"田", 31},  {"任", 30},  {"姜", 29},  {"范", 28},  {"方", 27},  {"石", 26},
	{"姚", 25},  {"谭", 24},  {"廖", 23},  {"邹", 22},  {"熊", 21},  {"金", 20},  {"陆", 19},
	{"郝", 18},  {"孔", 17},  {"白", 16},  {"崔", 15},  {"康", 14},  {"毛", 13},  {"邱", 12},
	{"秦", 11},  {"江", 10},  {"史", 9},   {"顾", 8},   {"侯", 7},   {"邵", 6},   {"孟", 5},
	{"龙", 4},   {"万", 3},   {"段", 2},   {"欧阳", 1}, {"司马", 1}, {"诸葛", 1}, {"上官", 1},
};

const char *names_surname(struct demo_rng *r)
{
	int total = 0;
	for (int i = 0; i < COUNT(surnames); i++)
		total += surnames[i].weight;
	int x = demo_rng_int(r, 0, total - 1);
	for (int i = 0; i < COUNT(surnames); i++) {
		if (x < surnames[i].weight)
			return surnames[i].name;
		x -= surnames[i].weight;
	}
	return surnames[0].name;
}

/* Given names by decade of birth: [era][female]. */
static const char *const given_old_m[] = {"建国", "国强", "志强", "德明", "振华", "国庆", "建军", "文华",
                                         "永明", "庆华", "长林", "福生", "保国", "玉山", "树林", "宝山",
                                         "德胜", "金海", "占山", "凤岐", "玉堂", "万福", "广才", "守仁"};
static const char *const given_old_f[] = {"秀英", "桂英", "秀兰", "玉兰", "桂兰", "淑珍", "凤英", "玉珍",
                                         "秀珍", "淑英", "凤兰", "桂芳", "玉梅", "秀云", "桂珍", "淑华",
                                         "丽华", "素芬", "淑兰", "玉芬", "兰英", "翠兰"};
static const char *const given_mid_m[] = {"建华", "建平", "卫东", "志刚", "志勇", "晓明", "海涛", "立新",
                                         "建新", "国栋", "永刚", "庆林", "利民", "学军", "振国", "宏伟",
                                         "伟",   "勇",   "军",   "刚",   "平",   "强",   "东",   "斌"};
static const char *const given_mid_f[] = {"红",   "丽",   "霞",   "艳",   "梅",   "红梅", "丽华", "秀梅",
                                         "春梅", "雪梅", "玉霞", "丽萍", "晓红", "红霞", "建英", "桂红",
                                         "卫红", "爱华", "丽娟", "艳芳", "敏",   "英"};
static const char *const given_young_m[] = {"伟",   "磊",   "杰",   "涛",   "斌",   "超",   "鹏",
                                           "辉",   "鑫",   "波",   "浩",   "宁",   "帅",   "俊杰",
                                           "海峰", "晓东", "志伟", "建伟", "明",   "亮",   "凯",
                                           "健",   "鹏飞", "文博", "宇",   "峰",   "磊磊", "晨"};
static const char *const given_young_f[] = {"静",   "敏",   "娟",   "燕",   "芳",   "婷",   "颖",
                                           "丹",   "琳",   "晶",   "洁",   "倩",   "雪",   "晓燕",
                                           "海燕", "丽娜", "婷婷", "佳",   "慧",   "璐",   "莉",
                                           "媛",   "楠",   "蕾"};
static const char *const given_kid_m[] = {"浩然", "子轩", "宇轩", "浩宇", "梓轩", "俊熙", "皓轩",
                                         "子豪", "博文", "一鸣", "宇航", "思远", "子墨", "明轩",
                                         "天佑", "睿",   "泽宇", "奕辰", "宇泽", "铭",   "浩",
                                         "沐阳", "嘉懿", "承泽"};
static const char *const given_kid_f[] = {"子涵", "欣怡", "梓涵", "诗涵", "雨涵", "一诺", "可馨",
                                         "梦瑶", "紫萱", "思雨", "语嫣", "欣妍", "若汐", "佳怡",
                                         "雨桐", "梓萱", "依诺", "思涵", "安然", "沐晴"};
/* Two-character names composed from these vary the pools above. */
static const char *const first_m[] = {"建", "国", "志", "永", "德", "文", "明", "海", "俊", "晓", "立",
                                      "宏", "振", "伟", "子", "浩", "宇", "博", "天", "泽", "家", "嘉"};
static const char *const second_m[] = {"华", "军", "强", "明", "平", "林", "峰", "涛", "杰", "轩", "然",
                                       "宇", "文", "辉", "东", "刚", "新", "成", "龙", "磊", "鹏", "宁"};
static const char *const first_f[] = {"秀", "桂", "玉", "淑", "丽", "春", "晓", "雪", "海", "红",
                                      "美", "佳", "欣", "梓", "雨", "思", "子", "诗", "可", "紫"};
static const char *const second_f[] = {"英", "兰", "珍", "芳", "华", "梅", "燕", "红", "霞", "萍",
                                       "娟", "琳", "怡", "涵", "萱", "彤", "雯", "婷", "瑶", "悦"};

void names_person(struct demo_rng *r, const char *surname, bool male, int birth_year,
                  char out[NAME_BYTES])
{
	if (surname == NULL)
		surname = names_surname(r);
	const char *given;
	char composed[8];
	if (demo_rng_chance(r, 0.35)) {
		/* A composed name keeps the era only loosely, as real ones do. */
		snprintf(composed, sizeof composed, "%s%s", male ? PICK(r, first_m) : PICK(r, first_f),
		         male ? PICK(r, second_m) : PICK(r, second_f));
		given = composed;
	} else if (birth_year < 1955) {
		given = male ? PICK(r, given_old_m) : PICK(r, given_old_f);
	} else if (birth_year < 1975) {
		given = male ? PICK(r, given_mid_m) : PICK(r, given_mid_f);
	} else if (birth_year < 1995) {
		given = male ? PICK(r, given_young_m) : PICK(r, given_young_f);
	} else {
		given = male ? PICK(r, given_kid_m) : PICK(r, given_kid_f);
	}
	snprintf(out, NAME_BYTES, "%s%s", surname, given);
}

/* --- places ---------------------------------------------------------------- */

/* The demo district's streets, in code order (110105001 建外街道 …). */
static const char *const chaoyang_streets[] = {
	"建外",   "朝外",   "呼家楼", "三里屯", "左家庄", "香河园", "和平街", "安贞",
	"亚运村", "小关",   "酒仙桥", "麦子店", "团结湖", "六里屯", "八里庄", "双井",
	"劲松",   "潘家园", "垡头",   "首都机场", "望京", "奥运村", "大屯",   "东湖",
};

static const char *const stems[] = {
	"光华", "永安", "建华", "秀水", "金台", "团结", "延静", "甜水", "枣营", "农展", "幸福", "和平",
	"安华", "裕民", "外馆", "胜古", "惠新", "华严", "祁家", "化工", "育慧", "樱花", "和谐", "青年",
	"新源", "三源", "静安", "利泽", "南湖", "望花", "花家", "广顺", "宝星", "阜通", "花园", "金港",
	"红庙", "水碓", "道家", "十里", "石佛营", "平房", "姚家园", "东坝", "驹子", "三间房", "定福",
	"双桥", "管庄", "高碑店", "半壁店", "兴隆", "西大望", "百子湾", "农光", "磨房", "华威", "松榆",
	"武圣", "弘善", "翠城", "黄木", "南磨", "龙爪", "王四营", "老君堂", "豆各庄", "孙河", "来广",
	"北苑", "立水", "清河", "上地", "西三旗", "马连洼", "学院", "燕园", "中关", "万柳", "曙光",
	"紫竹", "甘家口", "羊坊", "万寿", "北太平", "北下关", "牡丹", "塔院", "健德", "志新", "五道口",
	"双榆", "知春", "稻香", "颐和", "香山", "青龙", "西苑", "永定", "马甸", "德胜", "新街", "展览",
	"什刹", "月坛", "广内", "广外", "牛街", "白纸坊", "椿树", "天桥", "陶然", "龙潭", "体育",
	"东花", "崇文", "前门", "东直", "北新桥", "交道", "景山", "东华", "安定", "东四", "鼓楼",
	"天坛", "永外", "卢沟", "长辛", "宛平", "方庄", "蒲黄", "洋桥", "马家堡", "新村", "大红门",
	"和义", "东高地", "看丹", "南苑", "云岗", "王佐", "玉泉", "八角", "古城", "苹果园", "金顶",
	"鲁谷", "广宁", "五里坨", "老山", "梨园", "玉桥", "永顺", "中仓", "新华", "杨庄", "临河",
	"张家湾", "潞城", "宋庄", "胜利", "光明", "石园", "空港", "旺泉", "双丰", "天竺", "仁和",
	"回龙观", "天通", "东小口", "城北", "城南", "霍营", "沙河", "南口", "亦庄", "兴丰", "林校",
	"清源", "黄村", "旧宫", "瀛海", "西红门", "高米店", "观音寺", "天宫", "芳园", "驼房营",
	"将台", "南皋", "大山子", "高家园", "彩虹", "红霞", "万红", "东风", "柳芳", "西坝河", "春秀",
	"工体", "幸福二村", "白家庄", "关东店", "南郎家园", "北郎家园", "核桃园", "金桐", "永安西",
	"芳草地", "东大桥", "神路街", "吉祥里", "雅宝里", "日坛", "朝阳门", "针织路", "水锥子",
};

void names_street(const char *district_code, int index, char *out, size_t cap)
{
	if (strcmp(district_code, "110105") == 0 && index < COUNT(chaoyang_streets)) {
		snprintf(out, cap, "%s街道", chaoyang_streets[index]);
		return;
	}
	/* A district's own run through the stems: different for i < COUNT(stems). */
	int off = (int)(demo_hash(district_code) % (uint64_t)COUNT(stems));
	int k = index % COUNT(stems), round = index / COUNT(stems);
	if (round == 0)
		snprintf(out, cap, "%s街道", stems[(off + k) % COUNT(stems)]);
	else
		snprintf(out, cap, "%s%d街道", stems[(off + k) % COUNT(stems)], round + 1);
}

void names_street_stem(const char *street_name, char *out, size_t cap)
{
	static const char suffix[] = "街道";
	size_t n = strlen(street_name), s = sizeof suffix - 1;
	if (n > s && strcmp(street_name + n - s, suffix) == 0)
		n -= s;
	snprintf(out, cap, "%.*s", (int)n, street_name);
}

void names_community(struct demo_rng *r, char *out, size_t cap)
{
	static const char *const suffix[] = {"社区",     "里社区",   "东里社区", "西里社区", "北里社区",
	                                     "南里社区", "家园社区", "新村社区", "路社区",   "北社区",
	                                     "南社区",   "东社区",   "西社区",   "园社区"};
	snprintf(out, cap, "%s%s", PICK(r, stems), PICK(r, suffix));
}

void names_compound(struct demo_rng *r, char *out, size_t cap)
{
	static const char *const suffix[] = {"小区", "家园", "花园", "嘉园", "苑",   "公寓", "东里",
	                                     "北里", "西里", "南里", "新村", "雅园", "华庭", "名苑"};
	if (demo_rng_chance(r, 0.3))
		snprintf(out, cap, "%s%s%d号院", PICK(r, stems), demo_rng_chance(r, 0.5) ? "里" : "路",
		         demo_rng_int(r, 1, 40));
	else
		snprintf(out, cap, "%s%s", PICK(r, stems), PICK(r, suffix));
}

void names_institution(struct demo_rng *r, char *out, size_t cap, const char **kind)
{
	static const struct {
		const char *before, *after, *kind;
	} inst[] = {
		{"", "小学", "agency"},     {"", "中学", "agency"},         {"", "社区卫生服务中心", "agency"},
		{"北京", "医院", "agency"}, {"", "农贸市场", "enterprise"}, {"", "大厦", "enterprise"},
		{"", "幼儿园", "agency"},   {"", "购物中心", "enterprise"}, {"", "养老照料中心", "agency"},
		{"", "科技园", "enterprise"}, {"", "职业学校", "agency"},   {"", "文化馆", "agency"},
	};
	int i = demo_rng_int(r, 0, COUNT(inst) - 1);
	snprintf(out, cap, "%s%s%s", inst[i].before, PICK(r, stems), inst[i].after);
	*kind = inst[i].kind;
}

static const char *const brands[] = {
	"华信", "中科", "恒通", "鑫源", "瑞达", "京城", "百联", "盛世", "天成", "博雅", "金鼎", "安和",
	"德润", "嘉禾", "宏远", "泰康", "汇智", "佳美", "联创", "新元", "华润", "信诚", "长青", "广益",
	"众邦", "东方", "京华", "睿思", "启明", "和泰", "卓越", "万通", "同心", "方圆", "宜家", "优品",
};

void names_enterprise(struct demo_rng *r, char *out, size_t cap)
{
	static const char *const trade[] = {
		"科技有限公司",     "餐饮管理有限公司", "商贸有限公司",     "文化传媒有限公司",
		"建筑工程有限公司", "医药连锁有限公司", "超市有限公司",     "教育咨询有限公司",
		"家政服务有限公司", "汽车服务有限公司", "信息技术有限公司", "物流有限公司",
	};
	snprintf(out, cap, "北京%s%s", PICK(r, brands), PICK(r, trade));
}

void names_property_company(struct demo_rng *r, char *out, size_t cap)
{
	snprintf(out, cap, "北京%s%s", PICK(r, brands),
	         demo_rng_chance(r, 0.6) ? "物业管理有限公司" : "物业服务有限公司");
}

void names_social_org(struct demo_rng *r, const char *place, char *out, size_t cap)
{
	static const char *const kinds[] = {
		"小红花志愿服务队", "夕阳红志愿服务队", "邻里守望志愿服务队", "社会工作服务站",
		"社区社会组织联合会", "睦邻互助协会",   "老年协会",           "文体协会",
		"人民调解协会",     "助老服务社",       "青少年成长服务中心", "巾帼志愿服务队",
	};
	snprintf(out, cap, "%s%s", place, PICK(r, kinds));
}

void names_phone(struct demo_rng *r, char out[12])
{
	/* Second digits weighted roughly as numbers are issued (13x, 15x, 18x most). */
	static const char second[] = "3333555888877996";
	out[0] = '1';
	out[1] = second[demo_rng_int(r, 0, (int)sizeof second - 2)];
	uint64_t x = demo_rng_next(r);
	for (int i = 2; i < 11; i++) {
		out[i] = (char)('0' + x % 10);
		x /= 10;
	}
	out[11] = '\0';
}
