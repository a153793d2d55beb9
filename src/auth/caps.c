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
	{"person.read_pii", "查看个人敏感信息", "Unmask personal data"},
	{NULL, NULL, NULL},
};

bool capability_known(const char *name)
{
	for (const struct capability *c = capabilities; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return true;
	return false;
}

#define CAPS(...) ((const char *const[]){__VA_ARGS__, NULL})

const struct default_role default_roles[] = {
	{"sysadmin", "系统管理员",
	 CAPS("user.read", "user.manage", "role.read", "apikey.manage", "calendar.read",
	      "calendar.manage", "system.read")},
	{"secadmin", "安全管理员", CAPS("user.read", "user.grant", "role.read", "role.manage")},
	{"auditor", "审计员", CAPS("audit.read", "user.read", "role.read")},
	{"district_staff", "区工作人员", CAPS("calendar.read", "calendar.manage", "user.read")},
	{"street_staff", "街道工作人员", CAPS("calendar.read", "user.read")},
	{"community_staff", "社区工作人员", CAPS("calendar.read")},
	{"grid_worker", "网格员", CAPS("calendar.read")},
	{"building_head", "楼栋长", CAPS("calendar.read")},
	{"hotline_operator", "12345 接线员", CAPS("calendar.read")},
	{"dept_handler", "职能部门承办人", CAPS("calendar.read")},
	{"party_member", "党员", CAPS("calendar.read")},
	{"resident", "居民", ((const char *const[]){NULL})},
	{NULL, NULL, NULL},
};
