# The import file of bench/registers.sh: N valid people for `linli import
# people`, spread over the entrances given on stdin (one area code a line,
# in code order), grouped by entrance and household as a real register
# export is. Plain awk (mawk or gawk), no other tool.
#
#   awk -v n=1000000 -f bench/people_csv.awk entrances.txt > people.csv
#
# Every row passes person_check: ID numbers are GB 11643 numbers of county
# 110111 (房山区, which `linli gen` never uses, so none is taken already),
# unique by construction (birth day x sequence), with gender and birth_date
# agreeing with them; 70% have a mobile number; rooms are "A" + floor + unit,
# which the generated households never use, so every household is new (the
# import creates it, as it does for a room absent from the register).
BEGIN {
	if (n == "") n = 1000000
	n += 0
	split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", W, " ")
	split("1 0 X 9 8 7 6 5 4 3 2", CHK, " ")
	ns = split("王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹", SUR, " ")
	ng = split("伟 芳 娜 秀英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 建华 文 华 红 玉兰 宇 浩", GIV, " ")
	split("户主 配偶 子女 子女 父母", REL, " ")
	# birth days: 1940-01-01 onwards, DAYS of them, then the sequence moves on
	D0 = days_from_civil(1940, 1, 1)
	DAYS = 29000   # up to 2019-05
	print "area_code,room,name,gender,birth_date,id_number,phone,residence,relation,tags"
}
{ if ($1 != "") ent[ne++] = $1 }
END {
	if (ne == 0) { print "people_csv.awk: no entrance codes on input" > "/dev/stderr"; exit 1 }
	# households of 1..4 people (mean 2.5), the same count in every entrance
	hh_total = int(n / 2.5) + 1
	per_ent = int((hh_total + ne - 1) / ne)
	i = 0
	for (h = 0; i < n; h++) {
		e = ent[int(h / per_ent) % ne]
		j = h % per_ent
		room = sprintf("A%d%02d", int(j / 4) + 1, j % 4 + 1)
		size = 1 + (h * 7 + int(h / 3)) % 4
		floating = (h % 5 == 0)
		for (k = 0; k < size && i < n; k++) {
			day = D0 + i % DAYS
			seq = int(i / DAYS)           # 0..34 for a million
			civil_from_days(day)
			seq3 = sprintf("%03d", (seq * 29 + k) % 1000)
			# the sequence must stay unique per day: seq*29+k is, for k < 29
			id17 = sprintf("110111%04d%02d%02d%s", CY, CM, CD, seq3)
			s = 0
			for (q = 1; q <= 17; q++) s += substr(id17, q, 1) * W[q]
			id = id17 CHK[s % 11 + 1]
			male = substr(seq3, 3, 1) % 2
			name = SUR[(i * 7) % ns + 1] GIV[(i * 13 + int(i / ns)) % ng + 1]
			phone = (i % 10 < 7) ? sprintf("1%d%09d", 3 + i % 7, i) : ""
			tags = (i % 50 == 0) ? "低保" : ""
			printf "%s,%s,%s,%s,%04d-%02d-%02d,%s,%s,%s,%s,%s\n", e, room, name, male ? "男" : "女", \
				CY, CM, CD, id, phone, floating ? "流动" : "户籍", REL[k + 1], tags
			i++
		}
	}
	printf "people_csv.awk: %d people in %d households over %d entrances\n", i, h, ne > "/dev/stderr"
}
# Howard Hinnant's civil calendar algorithms, in whole numbers.
function days_from_civil(y, m, d,    era, yoe, doy, doe) {
	y -= (m <= 2)
	era = int((y >= 0 ? y : y - 399) / 400)
	yoe = y - era * 400
	doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
	doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
	return era * 146097 + doe - 719468
}
function civil_from_days(z,    era, doe, yoe, doy, mp) {
	z += 719468
	era = int((z >= 0 ? z : z - 146096) / 146097)
	doe = z - era * 146097
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
	CY = yoe + era * 400
	doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
	mp = int((5 * doy + 2) / 153)
	CD = doy - int((153 * mp + 2) / 5) + 1
	CM = mp + (mp < 10 ? 3 : -9)
	CY += (CM <= 2)
}
