/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spec_parse() on hostile and broken configs: each must fail cleanly with
 * one sentence naming the JSON path and the offending value.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "husk/spec.h"
#include "husk/util.h"
#include "test_spec_util.h"

#define IDMAP(size) "'uidMappings':[{'containerID':0,'hostID':1000,'size':" size "}]"

/* ---- numbers ------------------------------------------------------------------ */

Test(spec_errors, idmap_size_is_a_string)
{
	parse_err(LINUX(IDMAP("'ten'")),
		  "config.json: .linux.uidMappings[0].size: expected an unsigned 32-bit integer, "
		  "got \"ten\"");
}

Test(spec_errors, uid_negative)
{
	parse_err(PROC("'user':{'uid':-1,'gid':0}"),
		  "config.json: .process.user.uid: expected an unsigned 32-bit integer, got -1");
}

Test(spec_errors, uid_two_to_the_32)
{
	parse_err(PROC("'user':{'uid':4294967296,'gid':0}"),
		  "config.json: .process.user.uid: expected an unsigned 32-bit integer, "
		  "got 4294967296");
}

Test(spec_errors, uid_float_and_exponent)
{
	parse_err(PROC("'user':{'uid':1.5}"),
		  "config.json: .process.user.uid: expected an unsigned 32-bit integer, got 1.5");
	parse_err(PROC("'user':{'gid':1e3}"),
		  "config.json: .process.user.gid: expected an unsigned 32-bit integer, got 1e3");
	parse_err(PROC("'user':{'gid':0.0}"),
		  "config.json: .process.user.gid: expected an unsigned 32-bit integer, got 0.0");
}

Test(spec_errors, u64_above_max)
{
	parse_err(PROC("'rlimits':[{'type':'RLIMIT_AS','soft':1,'hard':18446744073709551616}]"),
		  "config.json: .process.rlimits[0].hard: expected an unsigned 64-bit integer, "
		  "got 18446744073709551616");
}

Test(spec_errors, i64_out_of_range)
{
	parse_err(RES("'memory':{'limit':9223372036854775808}"),
		  "config.json: .linux.resources.memory.limit: expected a 64-bit integer, "
		  "got 9223372036854775808");
	parse_err(RES("'memory':{'swap':-9223372036854775809}"),
		  "config.json: .linux.resources.memory.swap: expected a 64-bit integer, "
		  "got -9223372036854775809");
}

Test(spec_errors, seccomp_value_negative)
{
	parse_err(SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['kill'],"
			  "'action':'SCMP_ACT_ERRNO','args':[{'index':1,'value':-1,"
			  "'op':'SCMP_CMP_EQ'}]}]"),
		  "config.json: .linux.seccomp.syscalls[0].args[0].value: expected an unsigned "
		  "64-bit integer, got -1");
}

Test(spec_errors, long_number_is_cut_short)
{
	parse_err(PROC("'user':{'uid':"
		       "123456789012345678901234567890123456789012345678901234567890}"),
		  "config.json: .process.user.uid: expected an unsigned 32-bit integer, "
		  "got 123456789012345678901234567890123456789012345678...");
}

Test(spec_errors, long_string_is_cut_short)
{
	parse_err(PROC("'user':{'uid':"
		       "'aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeeffffffffff'}"),
		  "config.json: .process.user.uid: expected an unsigned 32-bit integer, "
		  "got \"aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeee...\"");
}

Test(spec_errors, wrong_types_are_described)
{
	parse_err(CFG("'hostname':true"), "config.json: .hostname: expected a string, got true");
	parse_err(CFG("'hostname':{}"), "config.json: .hostname: expected a string, got an object");
	parse_err(CFG("'mounts':{}"), "config.json: .mounts: expected an array, got an object");
	parse_err(CFG("'process':[]"), "config.json: .process: expected an object, got an array");
	parse_err(PROC("'terminal':'yes'"),
		  "config.json: .process.terminal: expected true or false, got \"yes\"");
	parse_err(PROC("'terminal':1"),
		  "config.json: .process.terminal: expected true or false, got 1");
}

/* ---- top level --------------------------------------------------------------- */

Test(spec_errors, missing_oci_version)
{
	parse_err("{'root':{'path':'rootfs'}}",
		  "config.json: .ociVersion: required field is missing");
	parse_err("{'ociVersion':null,'root':{'path':'rootfs'}}",
		  "config.json: .ociVersion: required field is missing");
}

Test(spec_errors, oci_version_wrong)
{
	parse_err("{'ociVersion':1,'root':{'path':'rootfs'}}",
		  "config.json: .ociVersion: expected a string, got 1");
	parse_err("{'ociVersion':'2.0.0','root':{'path':'rootfs'}}",
		  "config.json: .ociVersion: version \"2.0.0\" is not supported (husk reads 1.x)");
}

Test(spec_errors, root_missing_or_wrong)
{
	parse_err("{'ociVersion':'1.2.0'}", "config.json: .root: required field is missing");
	parse_err("{'ociVersion':'1.2.0','root':'rootfs'}",
		  "config.json: .root: expected an object, got \"rootfs\"");
	parse_err("{'ociVersion':'1.2.0','root':{}}",
		  "config.json: .root.path: required field is missing");
	parse_err("{'ociVersion':'1.2.0','root':{'path':''}}",
		  "config.json: .root.path: must not be empty");
	parse_err("{'ociVersion':'1.2.0','root':{'path':'r','readonly':'no'}}",
		  "config.json: .root.readonly: expected true or false, got \"no\"");
}

Test(spec_errors, top_level_not_an_object)
{
	parse_err("[1]", "config.json: top level: expected an object, got an array");
	parse_err("'str'", "config.json: top level: expected an object, got \"str\"");
	parse_err("42", "config.json: top level: expected an object, got 42");
	parse_err("null", "config.json: top level: expected an object, got null");
}

Test(spec_errors, hostname_too_long)
{
	parse_err(CFG("'hostname':'" "0123456789012345678901234567890123456789"
		      "01234567890123456789012345'"),
		  "config.json: .hostname: longer than 64 bytes");
}

/* ---- process -------------------------------------------------------------------- */

Test(spec_errors, args_missing_empty_or_wrong)
{
	static const char *const msg =
		"config.json: .process.args: must be a non-empty array of strings";

	parse_err(CFG("'process':{'args':[],'cwd':'/'}"), msg);
	parse_err(CFG("'process':{'cwd':'/'}"), msg);
	parse_err(CFG("'process':{'args':'sh','cwd':'/'}"), msg);
	parse_err(CFG("'process':{'args':null,'cwd':'/'}"), msg);
	parse_err(CFG("'process':{'args':['sh',1],'cwd':'/'}"),
		  "config.json: .process.args[1]: expected a string, got 1");
}

Test(spec_errors, cwd_missing_or_relative)
{
	parse_err(CFG("'process':{'args':['sh']}"),
		  "config.json: .process.cwd: required field is missing");
	parse_err(CFG("'process':{'args':['sh'],'cwd':'tmp'}"),
		  "config.json: .process.cwd: must be an absolute path, got \"tmp\"");
	parse_err(CFG("'process':{'args':['sh'],'cwd':''}"),
		  "config.json: .process.cwd: must be an absolute path, got \"\"");
}

Test(spec_errors, env_entries)
{
	parse_err(PROC("'env':['PATH=/bin','FOO']"),
		  "config.json: .process.env[1]: expected \"NAME=value\", got \"FOO\"");
	parse_err(PROC("'env':['=x']"),
		  "config.json: .process.env[0]: expected \"NAME=value\", got \"=x\"");
}

Test(spec_errors, capabilities_must_be_strings)
{
	parse_err(PROC("'capabilities':{'bounding':[1]}"),
		  "config.json: .process.capabilities.bounding[0]: expected a string, got 1");
	parse_err(PROC("'capabilities':{'ambient':'CAP_KILL'}"),
		  "config.json: .process.capabilities.ambient: expected an array, got "
		  "\"CAP_KILL\"");
}

Test(spec_errors, rlimits)
{
	parse_err_prefix(PROC("'rlimits':[{'type':'RLIMIT_FOO','soft':1,'hard':1}]"),
			 "config.json: .process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\" "
			 "(expected one of RLIMIT_AS, RLIMIT_CORE,");
	parse_err(PROC("'rlimits':[{'type':'RLIMIT_NOFILE','soft':10,'hard':5}]"),
		  "config.json: .process.rlimits[0]: soft limit 10 is above the hard limit 5");
	parse_err(PROC("'rlimits':[{'type':'RLIMIT_NOFILE','hard':5}]"),
		  "config.json: .process.rlimits[0].soft: required field is missing");
	parse_err(PROC("'rlimits':[{'type':'RLIMIT_NOFILE','soft':1,'hard':5},"
		       "{'type':'RLIMIT_NOFILE','soft':2,'hard':5}]"),
		  "config.json: .process.rlimits[1].type: RLIMIT_NOFILE is already set at [0]");
}

Test(spec_errors, oom_score_adj_and_umask)
{
	parse_err(PROC("'oomScoreAdj':1001"),
		  "config.json: .process.oomScoreAdj: must be from -1000 to 1000, got 1001");
	parse_err(PROC("'oomScoreAdj':-1001"),
		  "config.json: .process.oomScoreAdj: must be from -1000 to 1000, got -1001");
	parse_err(PROC("'user':{'umask':512}"),
		  "config.json: .process.user.umask: must be at most 0777 (511), got 512");
	parse_err(PROC("'user':{'additionalGids':[1,-2]}"),
		  "config.json: .process.user.additionalGids[1]: expected an unsigned 32-bit "
		  "integer, got -2");
}

Test(spec_errors, scheduler)
{
	parse_err_prefix(PROC("'scheduler':{'policy':'SCHED_FAST'}"),
			 "config.json: .process.scheduler.policy: unknown scheduler policy "
			 "\"SCHED_FAST\" (expected one of SCHED_OTHER, SCHED_FIFO,");
	parse_err(PROC("'scheduler':{'nice':1}"),
		  "config.json: .process.scheduler.policy: required field is missing");
	parse_err(PROC("'scheduler':{'policy':'SCHED_OTHER','nice':20}"),
		  "config.json: .process.scheduler.nice: expected an integer from -20 to 19, got "
		  "20");
	parse_err(PROC("'scheduler':{'policy':'SCHED_OTHER','priority':5}"),
		  "config.json: .process.scheduler.priority: only SCHED_FIFO and SCHED_RR take a "
		  "priority, the policy is SCHED_OTHER");
	parse_err(PROC("'scheduler':{'policy':'SCHED_RR','runtime':5}"),
		  "config.json: .process.scheduler: runtime, deadline and period are for "
		  "SCHED_DEADLINE only, the policy is SCHED_RR");
	parse_err_prefix(PROC("'scheduler':{'policy':'SCHED_FIFO','priority':1,"
			      "'flags':['SCHED_FLAG_RESET_ON_FORK','SCHED_FLAG_TURBO']}"),
			 "config.json: .process.scheduler.flags[1]: unknown scheduler flag "
			 "\"SCHED_FLAG_TURBO\"");
}

Test(spec_errors, io_priority_and_affinity)
{
	parse_err_prefix(PROC("'ioPriority':{'class':'IOPRIO_CLASS_NONE'}"),
			 "config.json: .process.ioPriority.class: unknown I/O priority class "
			 "\"IOPRIO_CLASS_NONE\"");
	parse_err(PROC("'ioPriority':{'class':'IOPRIO_CLASS_BE','priority':8}"),
		  "config.json: .process.ioPriority.priority: expected an integer from 0 to 7, got "
		  "8");
	parse_err(PROC("'execCPUAffinity':{'initial':'0-3;rm'}"),
		  "config.json: .process.execCPUAffinity.initial: expected a cpu list such as "
		  "\"0-3,7\", got \"0-3;rm\"");
}

Test(spec_errors, console_size)
{
	parse_err(PROC("'consoleSize':{'height':-1,'width':80}"),
		  "config.json: .process.consoleSize.height: expected an unsigned 32-bit integer, "
		  "got -1");
}

/* ---- mounts and hooks ----------------------------------------------------------- */

Test(spec_errors, mount_destination)
{
	parse_err(CFG("'mounts':[{'destination':'/a'},{'destination':'proc','type':'proc'}]"),
		  "config.json: .mounts[1].destination: must be an absolute path, got \"proc\" "
		  "(write it as \"/proc\": husk does not guess relative destinations)");
	parse_err(CFG("'mounts':[{'type':'tmpfs'}]"),
		  "config.json: .mounts[0].destination: required field is missing");
	parse_err(CFG("'mounts':['/proc']"),
		  "config.json: .mounts[0]: expected an object, got \"/proc\"");
	parse_err(CFG("'mounts':[{'destination':'/x','options':['ro',null]}]"),
		  "config.json: .mounts[0].options[1]: expected a string, got null");
}

Test(spec_errors, hooks)
{
	parse_err(CFG("'hooks':{'poststop':[{'path':'bin/true'}]}"),
		  "config.json: .hooks.poststop[0].path: must be an absolute path, got "
		  "\"bin/true\"");
	parse_err(CFG("'hooks':{'prestart':[{'path':'/bin/true','timeout':0}]}"),
		  "config.json: .hooks.prestart[0].timeout: must be greater than 0 (seconds), got "
		  "0");
	parse_err(CFG("'hooks':{'createRuntime':[{'args':['x']}]}"),
		  "config.json: .hooks.createRuntime[0].path: required field is missing");
	parse_err(CFG("'hooks':{'startContainer':{}}"),
		  "config.json: .hooks.startContainer: expected an array, got an object");
}

/* ---- linux ------------------------------------------------------------------------ */

Test(spec_errors, namespace_type_unknown)
{
	parse_err(LINUX("'namespaces':[{'type':'pid'},{'type':'net'}]"),
		  "config.json: .linux.namespaces[1].type: expected one of pid, network, mount, "
		  "ipc, "
		  "uts, user, cgroup, time, got \"net\"");
	parse_err(LINUX("'namespaces':[{'path':'/proc/1/ns/pid'}]"),
		  "config.json: .linux.namespaces[0].type: required field is missing");
}

Test(spec_errors, namespace_duplicate)
{
	parse_err(LINUX("'namespaces':[{'type':'pid'},{'type':'mount'},{'type':'pid'}]"),
		  "config.json: .linux.namespaces[2].type: duplicate namespace \"pid\" "
		  "(already at [0])");
}

Test(spec_errors, namespace_path_relative)
{
	parse_err(LINUX("'namespaces':[{'type':'network','path':'netns/x'}]"),
		  "config.json: .linux.namespaces[0].path: must be an absolute path, got "
		  "\"netns/x\"");
}

Test(spec_errors, idmaps)
{
	parse_err(LINUX(IDMAP("0")),
		  "config.json: .linux.uidMappings[0].size: must be greater than 0");
	parse_err(LINUX("'gidMappings':[{'containerID':0,'size':1}]"),
		  "config.json: .linux.gidMappings[0].hostID: required field is missing");
	parse_err(LINUX("'uidMappings':[{'containerID':4294967295,'hostID':0,'size':2}]"),
		  "config.json: .linux.uidMappings[0]: containerID 4294967295 + size 2 runs past "
		  "4294967295");
	parse_err(LINUX("'uidMappings':[{'containerID':0,'hostID':4294967000,'size':1000}]"),
		  "config.json: .linux.uidMappings[0]: hostID 4294967000 + size 1000 runs past "
		  "4294967295");
	parse_err(CFG("'mounts':[{'destination':'/x','uidMappings':[{'containerID':0,"
		      "'hostID':0,'size':-1}]}]"),
		  "config.json: .mounts[0].uidMappings[0].size: expected an unsigned 32-bit "
		  "integer, got -1");
}

Test(spec_errors, devices)
{
	parse_err(LINUX("'devices':[{'path':'/dev/x','type':'x','major':1,'minor':1}]"),
		  "config.json: .linux.devices[0].type: expected one of c, b, u, p, got \"x\"");
	parse_err(LINUX("'devices':[{'path':'/dev/x','type':'c','minor':1}]"),
		  "config.json: .linux.devices[0].major: required field is missing");
	parse_err(LINUX("'devices':[{'path':'dev/x','type':'p'}]"),
		  "config.json: .linux.devices[0].path: must be an absolute path, got \"dev/x\"");
	parse_err(LINUX("'devices':[{'path':'/dev/x','type':'c','major':-1,'minor':1}]"),
		  "config.json: .linux.devices[0].major: must not be negative");
	parse_err(LINUX("'devices':[{'path':'/dev/x','type':'c','major':1,'minor':1,"
			"'fileMode':-438}]"),
		  "config.json: .linux.devices[0].fileMode: expected an unsigned 32-bit integer, "
		  "got -438");
}

Test(spec_errors, propagation_personality_paths)
{
	parse_err(LINUX("'rootfsPropagation':'everywhere'"),
		  "config.json: .linux.rootfsPropagation: expected one of shared, slave, private, "
		  "unbindable, rshared, rslave, rprivate, runbindable, got \"everywhere\"");
	parse_err(LINUX("'personality':{'domain':'LINUX64'}"),
		  "config.json: .linux.personality.domain: expected one of LINUX, LINUX32, "
		  "got \"LINUX64\"");
	parse_err(LINUX("'personality':{'flags':[]}"),
		  "config.json: .linux.personality.domain: required field is missing");
	parse_err(LINUX("'maskedPaths':['/proc/kcore','proc/keys']"),
		  "config.json: .linux.maskedPaths[1]: must be an absolute path, got "
		  "\"proc/keys\"");
	parse_err(LINUX("'readonlyPaths':[true]"),
		  "config.json: .linux.readonlyPaths[0]: expected a string, got true");
}

Test(spec_errors, time_offsets)
{
	parse_err(LINUX("'timeOffsets':{'realtime':{'secs':1}}"),
		  "config.json: .linux.timeOffsets.realtime: unknown clock (expected monotonic or "
		  "boottime)");
	parse_err(LINUX("'timeOffsets':{'boottime':{'secs':1,'nanosecs':1000000000}}"),
		  "config.json: .linux.timeOffsets.boottime.nanosecs: must be below 1000000000, "
		  "got 1000000000");
}

Test(spec_errors, memory_policy_and_net_devices)
{
	parse_err_prefix(LINUX("'memoryPolicy':{'mode':'MPOL_FAST'}"),
			 "config.json: .linux.memoryPolicy.mode: expected one of MPOL_DEFAULT,");
	parse_err_prefix(LINUX("'memoryPolicy':{'mode':'MPOL_BIND','flags':['MPOL_F_X']}"),
			 "config.json: .linux.memoryPolicy.flags[0]: expected one of ");
	parse_err(LINUX("'netDevices':{'../eth0':{}}"),
		  "config.json: .linux.netDevices[\"../eth0\"]: not a valid interface name (1-15 "
		  "bytes, no '/', ':' or spaces)");
	parse_err(LINUX("'netDevices':{'eth0':{'name':'a-very-long-interface-name'}}"),
		  "config.json: .linux.netDevices.eth0.name: not a valid interface name (1-15 "
		  "bytes, no '/', ':' or spaces)");
}

Test(spec_errors, intel_rdt_clos_id)
{
	parse_err(LINUX("'intelRdt':{'closID':'../../x'}"),
		  "config.json: .linux.intelRdt.closID: must be a plain directory name");
}

Test(spec_errors, resources)
{
	parse_err(RES("'memory':{'swappiness':101}"),
		  "config.json: .linux.resources.memory.swappiness: expected an integer from 0 to "
		  "100, got 101");
	parse_err(RES("'devices':[{'access':'rwm'}]"),
		  "config.json: .linux.resources.devices[0].allow: required field is missing");
	parse_err(RES("'devices':[{'allow':true,'access':'rwx'}]"),
		  "config.json: .linux.resources.devices[0].access: must be made of the letters r, "
		  "w "
		  "and m");
	parse_err(RES("'devices':[{'allow':true,'type':'p'}]"),
		  "config.json: .linux.resources.devices[0].type: expected \"a\", \"c\" or \"b\"");
	parse_err(RES("'blockIO':{'weight':65536}"),
		  "config.json: .linux.resources.blockIO.weight: expected an unsigned 16-bit "
		  "integer, got 65536");
	parse_err(RES("'blockIO':{'throttleReadIOPSDevice':[{'major':8,'minor':0}]}"),
		  "config.json: .linux.resources.blockIO.throttleReadIOPSDevice[0].rate: required "
		  "field is missing");
	parse_err(RES("'hugepageLimits':[{'pageSize':'../2MB','limit':1}]"),
		  "config.json: .linux.resources.hugepageLimits[0].pageSize: expected a "
		  "power-of-two size in KB, MB or GB such as \"2MB\" or \"1GB\", got \"../2MB\"");
	parse_err(RES("'network':{'classID':4294967296}"),
		  "config.json: .linux.resources.network.classID: expected an unsigned 32-bit "
		  "integer, got 4294967296");
	parse_err(RES("'rdma':{'mlx5_1':{'hcaHandles':'3'}}"),
		  "config.json: .linux.resources.rdma.mlx5_1.hcaHandles: expected an unsigned "
		  "32-bit integer, got \"3\"");
	parse_err(RES("'unified':{'../../cgroup.procs':'0'}"),
		  "config.json: .linux.resources.unified[\"../../cgroup.procs\"]: must be a cgroup "
		  "file name such as \"memory.high\" (controller.file)");
	parse_err(RES("'unified':{'memory.max':1024}"),
		  "config.json: .linux.resources.unified[\"memory.max\"]: expected a string, "
		  "got 1024");
}

Test(spec_errors, seccomp)
{
	parse_err(SECCOMP("'syscalls':[]"),
		  "config.json: .linux.seccomp.defaultAction: required field is missing");
	parse_err(SECCOMP("'defaultAction':'SCMP_ACT_MAYBE'"),
		  "config.json: .linux.seccomp.defaultAction: unknown seccomp action "
		  "\"SCMP_ACT_MAYBE\" (expected SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, "
		  "SCMP_ACT_KILL_PROCESS, ...)");
	parse_err(SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':[],"
			  "'action':'SCMP_ACT_ERRNO'}]"),
		  "config.json: .linux.seccomp.syscalls[0].names: must be a non-empty array of "
		  "strings");
	parse_err(SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['kill'],"
			  "'action':'SCMP_ACT_ERRNO','args':[{'index':6,'value':1,"
			  "'op':'SCMP_CMP_EQ'}]}]"),
		  "config.json: .linux.seccomp.syscalls[0].args[0].index: expected an integer from "
		  "0 to 5, got 6");
	parse_err(SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['kill'],"
			  "'action':'SCMP_ACT_ERRNO','args':[{'index':0,'value':1,"
			  "'op':'SCMP_CMP_ABOUT'}]}]"),
		  "config.json: .linux.seccomp.syscalls[0].args[0].op: unknown operator "
		  "\"SCMP_CMP_ABOUT\" (expected SCMP_CMP_NE, _LT, _LE, _EQ, _GE, _GT or "
		  "_MASKED_EQ)");
	parse_err(SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['kill',''],"
			  "'action':'SCMP_ACT_ERRNO'}]"),
		  "config.json: .linux.seccomp.syscalls[0].names[1]: must not be empty");
	parse_err(SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['kill']}]"),
		  "config.json: .linux.seccomp.syscalls[0].action: required field is missing");
	parse_err(SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['mount'],"
			  "'action':'SCMP_ACT_NOTIFY'}]"),
		  "config.json: .linux.seccomp.listenerPath: required when a rule uses "
		  "SCMP_ACT_NOTIFY");
	parse_err(SECCOMP("'defaultAction':'SCMP_ACT_NOTIFY','listenerPath':'/run/x'"),
		  "config.json: .linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the "
		  "default action");
	parse_err(SECCOMP("'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':65536"),
		  "config.json: .linux.seccomp.defaultErrnoRet: expected an unsigned 16-bit "
		  "integer, got 65536");
}

/* ---- strings ----------------------------------------------------------------------- */

Test(spec_errors, nul_escape_in_string)
{
	parse_err(CFG("'hostname':'a\\u0000b'"),
		  "config.json: .hostname: must not contain a NUL character (\\u0000)");
	parse_err(PROC("'env':['A=\\u0000']"),
		  "config.json: .process.env[0]: must not contain a NUL character (\\u0000)");
	parse_err(CFG("'annotations':{'a\\u0000b':'x'}"),
		  "config.json: .annotations[\"a\\u0000b\"]: key must not contain a NUL character "
		  "(\\u0000)");
}

Test(spec_errors, control_characters_in_messages_are_escaped)
{
	parse_err(CFG("'process':{'args':['a'],'cwd':'x\\ny\\u001b[31m'}"),
		  "config.json: .process.cwd: must be an absolute path, got "
		  "\"x\\u000ay\\u001b[31m\"");
}

/* ---- JSON text ------------------------------------------------------------------------ */

Test(spec_errors, nul_byte_in_text)
{
	static const char text[] = "{\"ociVersion\":\n \"1.2\0.0\"}";

	raw_err(text, sizeof(text) - 1, "config.json: NUL byte at line 2, column 6: not a JSON "
					"text");
}

Test(spec_errors, invalid_json_has_a_position)
{
	parse_err("{\n  'ociVersion': '1.2.0',\n  'root': {'path' 'x'}\n}",
		  "config.json: invalid JSON at line 3, column 22: parse error: object key and "
		  "value must be separated by a colon (':')");
	parse_err("{'a':1,}", "config.json: invalid JSON at line 1, column 9: parse error: invalid "
		  "object key (must be a string)");
	parse_err("{'a':01}", "config.json: invalid JSON at line 1, column 7: parse error: after "
		  "key and value, inside map, I expect ',' or '}'");
	parse_err("{} {}", "config.json: invalid JSON at line 1, column 5: parse error: trailing "
		  "garbage");
}

Test(spec_errors, truncated_json)
{
	parse_err("{'ociVersion':'1.2.0',\n'root':",
		  "config.json: invalid JSON at line 2, column 8: unexpected end of input (is the "
		  "file truncated?)");
}

Test(spec_errors, invalid_utf8)
{
	static const char text[] = "{\"ociVersion\":\"1.\xff\"}";

	raw_err(text, sizeof(text) - 1, "config.json: invalid JSON at line 1, column 19: lexical "
		"error: invalid bytes in UTF8 string");
}

Test(spec_errors, comments_are_not_json)
{
	parse_err_prefix("{/* c */" BASE "}", "config.json: invalid JSON at line 1, column ");
}

Test(spec_errors, empty_document)
{
	raw_err("", 0, "config.json: empty document, expected a JSON object");
	raw_err(" \n\t", 3, "config.json: empty document, expected a JSON object");
}

Test(spec_errors, duplicate_keys)
{
	parse_err("{'ociVersion':'1.2.0','root':{'path':'r'},'ociVersion':'1.0.0'}",
		  "config.json: top level: duplicate key \"ociVersion\"");
	parse_err(CFG("'process':{'args':['a'],'cwd':'/','args':['b']}"),
		  "config.json: .process: duplicate key \"args\"");
	parse_err(LINUX("'namespaces':[{'type':'pid'},{'type':'pid','type':'user'}]"),
		  "config.json: .linux.namespaces[1]: duplicate key \"type\"");
	parse_err(CFG("'annotations':{'a.b':'1','c':'2','a.b':'3'}"),
		  "config.json: .annotations: duplicate key \"a.b\"");
}

/* ---- caps --------------------------------------------------------------------------- */

static char *nested(size_t depth, const char *open, const char *close)
{
	size_t n = strlen(BASE) + depth * 2 + 16;
	char *s = xmalloc(n), *p = s;

	p += sprintf(p, "{%s,'x':", BASE);
	for (size_t i = 0; i < depth; i++)
		*p++ = open[0];
	for (size_t i = 0; i < depth; i++)
		*p++ = close[0];
	strcpy(p, "}");
	return s;
}

Test(spec_errors, depth_limit_is_exact)
{
	/* The top-level object is level 1: 63 more are fine, 64 more are not. */
	_cleanup_free_ char *ok = nested(SPEC_MAX_DEPTH - 1, "[", "]");
	_cleanup_free_ char *bad = nested(SPEC_MAX_DEPTH, "[", "]");
	struct husk_spec *s = parse_ok(ok);

	spec_free(s);
	parse_err_prefix(bad, "config.json: nesting deeper than 64 levels at line 1, column ");
}

Test(spec_errors, depth_bomb)
{
	size_t n = 1 << 20;
	_cleanup_free_ char *bomb = xmalloc(n);
	_cleanup_free_ char *objs = xmalloc(n);
	struct husk_error err = { 0 };
	struct husk_spec *s = NULL;

	memset(bomb, '[', n);
	raw_err(bomb, n, "config.json: nesting deeper than 64 levels at line 1, column 65");
	memset(objs, ' ', n);
	for (size_t i = 0; i + 5 <= n; i += 5)
		memcpy(objs + i, "{\"a\":", 5);
	cr_assert_lt(spec_parse(objs, n, "config.json", &s, &err), 0);
	cr_assert_str_eq(err.msg, "config.json: nesting deeper than 64 levels at line 1, column "
				  "321");
}

Test(spec_errors, size_limit)
{
	size_t n = SPEC_MAX_BYTES + 1;
	_cleanup_free_ char *big = xmalloc(n);
	struct husk_error err = { 0 };
	struct husk_spec *s = NULL;

	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	cr_assert_eq(spec_parse(big, n, "config.json", &s, &err), -EFBIG);
	cr_assert_str_eq(err.msg, "config.json: 4194305 bytes, larger than the limit of 4194304");
	cr_assert_null(s);
}

Test(spec_errors, errno_is_einval)
{
	_cleanup_free_ char *json = q(PROC("'user':{'uid':-1}"));
	struct husk_error err = { 0 };
	struct husk_spec *s = NULL;

	cr_assert_eq(spec_parse(json, strlen(json), "config.json", &s, &err), -EINVAL);
	cr_assert_eq(err.errnum, EINVAL);
}

Test(spec_errors, default_name)
{
	_cleanup_free_ char *json = q("{'root':{'path':'r'}}");
	struct husk_error err = { 0 };
	struct husk_spec *s = NULL;

	cr_assert_lt(spec_parse(json, strlen(json), NULL, &s, &err), 0);
	cr_assert_str_eq(err.msg, "config.json: .ociVersion: required field is missing");
}

Test(spec_errors, name_prefixes_messages)
{
	_cleanup_free_ char *json = q("{'root':{'path':'r'}}");
	struct husk_error err = { 0 };
	struct husk_spec *s = NULL;

	cr_assert_lt(spec_parse(json, strlen(json), "/b/config.json", &s, &err), 0);
	cr_assert_str_eq(err.msg, "/b/config.json: .ociVersion: required field is missing");
}
