/* Capability list and default roles (等保 2.0: administrator, security
 * administrator and auditor are separate and hold none of each other's). */
#include "auth/caps.h"

#include <string.h>

const struct capability capabilities[] = {
	{"calendar.read", "查看工作日历", "Read the working calendar"},
	{"calendar.manage", "维护工作日历", "Set holidays and adjusted workdays"},
	{"user.read", "查看用户", "View users in scope"},
	{"user.manage", "管理用户", "Create, edit, lock and reset users"},
	{"user.grant", "授予角色与范围", "Grant roles and scopes"},
	{"role.read", "查看角色", "View roles and capabilities"},
	{"role.manage", "管理角色", "Define roles"},
	{"apikey.manage", "管理 API 密钥", "Create and revoke API keys"},
	{"audit.read", "查询审计日志", "Search the audit log"},
	{"system.read", "查看系统状态", "View system status"},
	{"person.read_pii", "查看个人敏感信息", "Unmask ID numbers and phones (audited)"},
	{"area.read", "查看区域网格", "View the area tree, grids and maps"},
	{"area.manage", "维护区域网格", "Create, rename, close and move areas; draw boundaries; name who is in charge"},
	{"unit.read", "查看单位与共建", "View units, departments and pairings"},
	{"unit.manage", "维护单位与共建", "Edit units, contacts, pairings and joint committees"},
	{"party.read", "查看党组织与党员", "View party organisations, members and report-ins"},
	{"party.manage", "维护党组织与党员", "Edit party organisations, members, report-ins and six-ones"},
	{"person.read", "查看人口信息", "View households and people (masked)"},
	{"person.manage", "维护人口信息", "Edit households and people"},
	{"person.read_sensitive", "查看特殊群体标签", "See care tags that mark sensitive identity"},
	{"register.import", "导入基础信息", "Import registers from CSV"},
	{"request.read", "查看诉求", "View requests, categories, dispatch rules and photos"},
	{"request.intake", "受理诉求", "Register, accept, answer or invalidate requests"},
	{"request.dispatch", "派单", "Dispatch, redispatch, review returns, merge, close and archive; manage dispatch rules"},
	{"request.handle", "办理诉求", "Acknowledge, handle, return, escalate, ask for extension and resolve"},
	{"request.verify", "核查诉求", "Verify on site or send back for rework"},
	{"request.approve", "审批延期", "Approve or refuse extensions"},
	{"request.supervise", "督办", "Raise supervision: reminder, notice, public notice"},
	{"request.followup", "回访", "Call back and record the resident's rating"},
	{"category.manage", "维护事项分类", "Edit and import the request categories"},
	{"figure.read", "查看考核指标", "View response, solve and satisfaction figures"},
	{"webhook.manage", "管理 Webhook", "Subscribe other systems to request events; see and redeliver deliveries"},
	{NULL, NULL, NULL},
};

bool capability_known(const char *name)
{
	for (const struct capability *c = capabilities; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return true;
	return false;
}

bool capability_administrative(const char *name)
{
	static const char *const prefixes[] = {"user.", "role.", "apikey.", "audit.", "system.", NULL};
	for (int i = 0; prefixes[i]; i++)
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

#define CAPS(...) ((const char *const[]){__VA_ARGS__, NULL})

const struct default_role default_roles[] = {
	{"sysadmin", "系统管理员",
	 CAPS("user.read", "user.manage", "role.read", "apikey.manage", "calendar.read",
	      "calendar.manage", "system.read", "webhook.manage")},
	{"secadmin", "安全管理员", CAPS("user.read", "user.grant", "role.read", "role.manage")},
	{"auditor", "审计员", CAPS("audit.read", "user.read", "role.read")},
	{"district_staff", "区工作人员",
	 CAPS("calendar.read", "calendar.manage", "user.read", "area.read", "area.manage", "unit.read",
	      "unit.manage", "party.read", "party.manage", "person.read", "person.manage",
	      "register.import", "request.read", "request.intake", "request.dispatch", "request.handle",
	      "request.verify", "request.approve", "request.supervise", "request.followup",
	      "category.manage", "figure.read", "webhook.manage")},
	{"street_staff", "街道工作人员",
	 CAPS("calendar.read", "user.read", "area.read", "area.manage", "unit.read", "unit.manage",
	      "party.read", "party.manage", "person.read", "person.manage", "register.import",
	      "request.read", "request.intake", "request.dispatch", "request.handle", "request.verify",
	      "request.approve", "request.supervise", "figure.read")},
	{"community_staff", "社区工作人员",
	 CAPS("calendar.read", "area.read", "area.manage", "unit.read", "unit.manage", "party.read",
	      "party.manage", "person.read", "person.manage", "person.read_pii", "person.read_sensitive",
	      "register.import", "request.read", "request.intake", "request.dispatch", "request.handle",
	      "request.verify", "request.approve", "request.supervise", "figure.read")},
	{"grid_worker", "网格员",
	 CAPS("calendar.read", "area.read", "unit.read", "party.read", "person.read", "person.manage",
	      "person.read_pii", "person.read_sensitive", "request.read", "request.intake",
	      "request.handle", "request.verify")},
	{"building_head", "楼栋长", CAPS("calendar.read", "area.read", "person.read")},
	{"hotline_operator", "12345 接线员",
	 CAPS("calendar.read", "area.read", "request.read", "request.intake", "request.followup")},
	{"dept_handler", "职能部门承办人",
	 CAPS("calendar.read", "area.read", "unit.read", "request.read", "request.handle")},
	{"party_member", "党员", CAPS("calendar.read", "area.read", "party.read")},
	{"resident", "居民", ((const char *const[]){NULL})},
	{NULL, NULL, NULL},
};
