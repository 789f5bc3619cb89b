/* SPDX-License-Identifier: GPL-2.0-or-later */
/* spec_parse() on good configs: every v1.2 Linux field lands where it should. */
#include <criterion/criterion.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>

#include "husk/spec.h"
#include "husk/util.h"
#include "test_spec_util.h"

static const char full_config[] =
	"{'ociVersion':'1.2.0',"
	" 'root':{'path':'/var/lib/rootfs','readonly':true},"
	" 'mounts':["
	"  {'destination':'/proc','type':'proc','source':'proc'},"
	"  {'destination':'/data','type':'none','source':'/srv/data',"
	"   'options':['rbind','ro','idmap'],"
	"   'uidMappings':[{'containerID':0,'hostID':100000,'size':65536}],"
	"   'gidMappings':[{'containerID':0,'hostID':200000,'size':1000}]}],"
	" 'process':{'terminal':true,'consoleSize':{'height':25,'width':80},"
	"  'user':{'uid':1000,'gid':1001,'umask':18,'additionalGids':[5,6,4294967295],"
	"   'username':'someone'},"
	"  'args':['/bin/sh','-c','echo hi'],'commandLine':'sh -c x',"
	"  'env':['PATH=/bin','EMPTY='],'cwd':'/home',"
	"  'capabilities':{'bounding':['CAP_KILL'],'effective':['CAP_KILL','CAP_CHOWN'],"
	"   'inheritable':[],'permitted':['CAP_KILL'],'ambient':[]},"
	"  'rlimits':[{'type':'RLIMIT_NOFILE','soft':1024,'hard':4096},"
	"   {'type':'RLIMIT_CORE','soft':0,'hard':18446744073709551615}],"
	"  'apparmorProfile':'husk-default','selinuxLabel':'system_u:system_r:container_t:s0',"
	"  'noNewPrivileges':true,'oomScoreAdj':-1000,"
	"  'scheduler':{'policy':'SCHED_DEADLINE','nice':-5,'priority':0,"
	"   'flags':['SCHED_FLAG_RESET_ON_FORK','SCHED_FLAG_UTIL_CLAMP_MAX'],"
	"   'runtime':100000,'deadline':200000,'period':300000},"
	"  'ioPriority':{'class':'IOPRIO_CLASS_IDLE','priority':7},"
	"  'execCPUAffinity':{'initial':'7','final':'0-3,7'}},"
	" 'hostname':'box','domainname':'example.org',"
	" 'hooks':{"
	"  'prestart':[{'path':'/usr/bin/fix-mounts','args':['fix-mounts','arg1'],"
	"   'env':['key1=value1'],'timeout':5}],"
	"  'createRuntime':[{'path':'/bin/a'}],'createContainer':[{'path':'/bin/b'}],"
	"  'startContainer':[{'path':'/bin/c'}],"
	"  'poststart':[{'path':'/bin/d'},{'path':'/bin/e'}],'poststop':[{'path':'/bin/f'}]},"
	" 'annotations':{'com.example.key1':'value1','io.husk.init':'true'},"
	" 'linux':{"
	"  'namespaces':[{'type':'pid'},{'type':'network','path':'/var/run/netns/x'},"
	"   {'type':'mount'},{'type':'ipc'},{'type':'uts'},{'type':'user'},{'type':'cgroup'},"
	"   {'type':'time'}],"
	"  'uidMappings':[{'containerID':0,'hostID':1000,'size':32000}],"
	"  'gidMappings':[{'containerID':0,'hostID':1000,'size':32000},"
	"   {'containerID':32000,'hostID':50000,'size':1}],"
	"  'timeOffsets':{'monotonic':{'secs':172800,'nanosecs':0},"
	"   'boottime':{'secs':-3600,'nanosecs':999999999}},"
	"  'devices':[{'path':'/dev/fuse','type':'c','major':10,'minor':229,'fileMode':438,"
	"   'uid':0,'gid':0},{'path':'/dev/sda','type':'b','major':8,'minor':0},"
	"   {'path':'/dev/fifo','type':'p'}],"
	"  'cgroupsPath':'/myRuntime/myContainer',"
	"  'resources':{"
	"   'devices':[{'allow':false,'access':'rwm'},"
	"    {'allow':true,'type':'c','major':10,'minor':229,'access':'rw'},"
	"    {'allow':true,'type':'b','major':-1,'minor':-1,'access':'m'}],"
	"   'memory':{'limit':536870912,'reservation':-1,'swap':9223372036854775807,"
	"    'kernel':-1,'kernelTCP':0,'swappiness':100,'disableOOMKiller':true,"
	"    'useHierarchy':false,'checkBeforeUpdate':true},"
	"   'cpu':{'shares':1024,'quota':-1,'burst':1000,'period':100000,"
	"    'realtimeRuntime':950000,'realtimePeriod':1000000,'cpus':'2-3','mems':'0-7',"
	"    'idle':1},"
	"   'pids':{'limit':32771},"
	"   'blockIO':{'weight':10,'leafWeight':1000,"
	"    'weightDevice':[{'major':8,'minor':0,'weight':500,'leafWeight':300},"
	"     {'major':8,'minor':16,'weight':500}],"
	"    'throttleReadBpsDevice':[{'major':8,'minor':0,'rate':600}],"
	"    'throttleWriteBpsDevice':[{'major':8,'minor':16,'rate':18446744073709551615}],"
	"    'throttleReadIOPSDevice':[{'major':8,'minor':32,'rate':300}],"
	"    'throttleWriteIOPSDevice':[{'major':8,'minor':48,'rate':200},"
	"     {'major':8,'minor':64,'rate':100}]},"
	"   'hugepageLimits':[{'pageSize':'2MB','limit':209715200},"
	"    {'pageSize':'64KB','limit':1000000}],"
	"   'network':{'classID':1048577,'priorities':[{'name':'eth0','priority':500},"
	"    {'name':'eth1','priority':1000}]},"
	"   'rdma':{'mlx5_1':{'hcaHandles':3,'hcaObjects':10000},'mlx4_0':{'hcaObjects':1000}},"
	"   'unified':{'memory.high':'1G','io.weight':'default 100'}},"
	"  'intelRdt':{'closID':'guaranteed_group','l3CacheSchema':'L3:0=7f0;1=1f',"
	"   'memBwSchema':'MB:0=20;1=70','schemata':['L2:0=ff'],'enableCMT':true,"
	"   'enableMBM':false},"
	"  'sysctl':{'net.ipv4.ip_forward':'1','net.core.somaxconn':'256'},"
	"  'seccomp':{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':1,"
	"   'architectures':['SCMP_ARCH_X86_64','SCMP_ARCH_X86'],"
	"   'flags':['SECCOMP_FILTER_FLAG_LOG'],'listenerPath':'/run/agent.sock',"
	"   'listenerMetadata':'meta',"
	"   'syscalls':[{'names':['getcwd','chmod'],'action':'SCMP_ACT_ALLOW'},"
	"    {'names':['personality'],'action':'SCMP_ACT_ERRNO','errnoRet':38,"
	"     'args':[{'index':0,'value':18446744073709551615,'valueTwo':255,"
	"      'op':'SCMP_CMP_MASKED_EQ'},{'index':5,'value':0,'op':'SCMP_CMP_NE'}]},"
	"    {'names':['mount'],'action':'SCMP_ACT_NOTIFY'},"
	"    {'names':['kill'],'action':'SCMP_ACT_KILL'}]},"
	"  'personality':{'domain':'LINUX32','flags':[]},"
	"  'rootfsPropagation':'rslave',"
	"  'maskedPaths':['/proc/kcore','/proc/keys'],"
	"  'readonlyPaths':['/proc/sys'],"
	"  'mountLabel':'system_u:object_r:container_file_t:s0:c12,c34',"
	"  'memoryPolicy':{'mode':'MPOL_INTERLEAVE','nodes':'2-3',"
	"   'flags':['MPOL_F_STATIC_NODES']},"
	"  'netDevices':{'eth0':{'name':'container_eth0'},'ens4':{}}}}";

Test(spec_parse, full_top_level_root_mounts_hooks)
{
	_cleanup_spec_ struct husk_spec *s = parse_ok(full_config);

	cr_assert_str_eq(s->oci_version, "1.2.0");
	cr_assert_str_eq(s->root_path, "/var/lib/rootfs");
	cr_assert(s->root_readonly);
	cr_assert_str_eq(s->hostname, "box");
	cr_assert_str_eq(s->domainname, "example.org");

	cr_assert_eq(s->n_mounts, 2);
	cr_assert_str_eq(s->mounts[0].destination, "/proc");
	cr_assert_str_eq(s->mounts[0].type, "proc");
	cr_assert_null(s->mounts[0].options);
	cr_assert_str_eq(s->mounts[1].source, "/srv/data");
	cr_assert_eq(strv_length(s->mounts[1].options), 3);
	cr_assert_str_eq(s->mounts[1].options[2], "idmap");
	cr_assert_eq(s->mounts[1].n_uid_mappings, 1);
	cr_assert_eq(s->mounts[1].uid_mappings[0].host_id, 100000);
	cr_assert_eq(s->mounts[1].uid_mappings[0].size, 65536);
	cr_assert_eq(s->mounts[1].gid_mappings[0].host_id, 200000);

	cr_assert_eq(s->hooks.count[HOOK_PRESTART], 1);
	cr_assert_str_eq(s->hooks.list[HOOK_PRESTART][0].path, "/usr/bin/fix-mounts");
	cr_assert_str_eq(s->hooks.list[HOOK_PRESTART][0].args[1], "arg1");
	cr_assert_str_eq(s->hooks.list[HOOK_PRESTART][0].env[0], "key1=value1");
	cr_assert(s->hooks.list[HOOK_PRESTART][0].timeout.set);
	cr_assert_eq(s->hooks.list[HOOK_PRESTART][0].timeout.value, 5);
	cr_assert_str_eq(s->hooks.list[HOOK_CREATE_RUNTIME][0].path, "/bin/a");
	cr_assert_str_eq(s->hooks.list[HOOK_CREATE_CONTAINER][0].path, "/bin/b");
	cr_assert_str_eq(s->hooks.list[HOOK_START_CONTAINER][0].path, "/bin/c");
	cr_assert_eq(s->hooks.count[HOOK_POSTSTART], 2);
	cr_assert_str_eq(s->hooks.list[HOOK_POSTSTART][1].path, "/bin/e");
	cr_assert_str_eq(s->hooks.list[HOOK_POSTSTOP][0].path, "/bin/f");
	cr_assert_not(s->hooks.list[HOOK_POSTSTOP][0].timeout.set);

	cr_assert_eq(s->n_annotations, 2);
	cr_assert_str_eq(spec_annotation(s, "io.husk.init"), "true");
	cr_assert_str_eq(spec_annotation(s, "com.example.key1"), "value1");
	cr_assert_null(spec_annotation(s, "nope"));
}

Test(spec_parse, full_process)
{
	_cleanup_spec_ struct husk_spec *s = parse_ok(full_config);
	const struct husk_process *p = s->process;

	cr_assert_not_null(p);
	cr_assert(p->terminal);
	cr_assert(p->has_console_size);
	cr_assert_eq(p->console_height, 25);
	cr_assert_eq(p->console_width, 80);
	cr_assert_eq(p->user.uid, 1000);
	cr_assert_eq(p->user.gid, 1001);
	cr_assert(p->user.umask.set);
	cr_assert_eq(p->user.umask.value, 022);
	cr_assert_eq(p->user.n_additional_gids, 3);
	cr_assert_eq(p->user.additional_gids[2], UINT32_MAX);
	cr_assert_str_eq(p->user.username, "someone");
	cr_assert_eq(strv_length(p->args), 3);
	cr_assert_str_eq(p->args[2], "echo hi");
	cr_assert_str_eq(p->command_line, "sh -c x");
	cr_assert_str_eq(p->env[1], "EMPTY=");
	cr_assert_str_eq(p->cwd, "/home");

	cr_assert_not_null(p->capabilities);
	cr_assert_str_eq(p->capabilities->effective[1], "CAP_CHOWN");
	cr_assert_not_null(p->capabilities->inheritable);
	cr_assert_null(p->capabilities->inheritable[0]);
	cr_assert_eq(strv_length(p->capabilities->permitted), 1);

	cr_assert_eq(p->n_rlimits, 2);
	cr_assert_eq(p->rlimits[0].resource, RLIMIT_NOFILE);
	cr_assert_eq(p->rlimits[0].soft, 1024);
	cr_assert_eq(p->rlimits[0].hard, 4096);
	cr_assert_eq(p->rlimits[1].resource, RLIMIT_CORE);
	cr_assert_eq(p->rlimits[1].hard, UINT64_MAX);

	cr_assert_str_eq(p->apparmor_profile, "husk-default");
	cr_assert_str_eq(p->selinux_label, "system_u:system_r:container_t:s0");
	cr_assert(p->no_new_privileges);
	cr_assert(p->oom_score_adj.set);
	cr_assert_eq(p->oom_score_adj.value, -1000);

	cr_assert_not_null(p->scheduler);
	cr_assert_str_eq(p->scheduler->policy, "SCHED_DEADLINE");
	cr_assert_eq(p->scheduler->policy_value, 6);
	cr_assert_eq(p->scheduler->nice.value, -5);
	cr_assert_eq(p->scheduler->flags_value, 0x41);
	cr_assert_eq(p->scheduler->runtime.value, 100000);
	cr_assert_eq(p->scheduler->deadline.value, 200000);
	cr_assert_eq(p->scheduler->period.value, 300000);

	cr_assert_str_eq(p->io_priority->class_name, "IOPRIO_CLASS_IDLE");
	cr_assert_eq(p->io_priority->class_value, 3);
	cr_assert_eq(p->io_priority->priority, 7);
	cr_assert_str_eq(p->exec_cpu_affinity->initial, "7");
	cr_assert_str_eq(p->exec_cpu_affinity->final, "0-3,7");
}

Test(spec_parse, full_linux)
{
	_cleanup_spec_ struct husk_spec *s = parse_ok(full_config);
	const struct husk_linux *l = s->linux_;

	cr_assert_not_null(l);
	cr_assert_eq(l->n_namespaces, 8);
	cr_assert_eq(l->namespaces[1].type, NS_NETWORK);
	cr_assert_str_eq(l->namespaces[1].path, "/var/run/netns/x");
	cr_assert_eq(l->namespaces[7].type, NS_TIME);
	cr_assert_null(spec_namespace(s, NS_PID)->path);
	cr_assert_eq(spec_namespace(s, NS_USER)->type, NS_USER);

	cr_assert_eq(l->n_uid_mappings, 1);
	cr_assert_eq(l->uid_mappings[0].host_id, 1000);
	cr_assert_eq(l->n_gid_mappings, 2);
	cr_assert_eq(l->gid_mappings[1].container_id, 32000);

	cr_assert(l->time_monotonic.set);
	cr_assert_eq(l->time_monotonic.secs, 172800);
	cr_assert(l->time_boottime.set);
	cr_assert_eq(l->time_boottime.secs, -3600);
	cr_assert_eq(l->time_boottime.nanosecs, 999999999);

	cr_assert_eq(l->n_devices, 3);
	cr_assert_eq(l->devices[0].type, 'c');
	cr_assert_eq(l->devices[0].major, 10);
	cr_assert_eq(l->devices[0].minor, 229);
	cr_assert_eq(l->devices[0].file_mode.value, 0666);
	cr_assert(l->devices[0].uid.set);
	cr_assert_eq(l->devices[1].type, 'b');
	cr_assert_not(l->devices[1].file_mode.set);
	cr_assert_eq(l->devices[2].type, 'p');

	cr_assert_str_eq(l->cgroups_path, "/myRuntime/myContainer");

	cr_assert_str_eq(l->intel_rdt->clos_id, "guaranteed_group");
	cr_assert_str_eq(l->intel_rdt->l3_cache_schema, "L3:0=7f0;1=1f");
	cr_assert_str_eq(l->intel_rdt->mem_bw_schema, "MB:0=20;1=70");
	cr_assert_str_eq(l->intel_rdt->schemata[0], "L2:0=ff");
	cr_assert(l->intel_rdt->enable_cmt.set && l->intel_rdt->enable_cmt.value);
	cr_assert(l->intel_rdt->enable_mbm.set && !l->intel_rdt->enable_mbm.value);

	cr_assert_eq(l->n_sysctl, 2);
	cr_assert_str_eq(l->sysctl[0].key, "net.ipv4.ip_forward");
	cr_assert_str_eq(l->sysctl[0].value, "1");

	cr_assert_str_eq(l->personality->domain, "LINUX32");
	cr_assert_not_null(l->personality->flags);
	cr_assert_str_eq(l->rootfs_propagation, "rslave");
	cr_assert_eq(strv_length(l->masked_paths), 2);
	cr_assert_str_eq(l->readonly_paths[0], "/proc/sys");
	cr_assert_str_eq(l->mount_label, "system_u:object_r:container_file_t:s0:c12,c34");
	cr_assert_str_eq(l->memory_policy->mode, "MPOL_INTERLEAVE");
	cr_assert_str_eq(l->memory_policy->nodes, "2-3");
	cr_assert_str_eq(l->memory_policy->flags[0], "MPOL_F_STATIC_NODES");
	cr_assert_eq(l->n_net_devices, 2);
	cr_assert_str_eq(l->net_devices[0].host_name, "eth0");
	cr_assert_str_eq(l->net_devices[0].name, "container_eth0");
	cr_assert_str_eq(l->net_devices[1].host_name, "ens4");
	cr_assert_null(l->net_devices[1].name);
}

Test(spec_parse, full_resources)
{
	_cleanup_spec_ struct husk_spec *s = parse_ok(full_config);
	const struct husk_resources *r = s->linux_->resources;

	cr_assert_not_null(r);
	cr_assert_eq(r->n_devices, 3);
	cr_assert_not(r->devices[0].allow);
	cr_assert_eq(r->devices[0].type, 'a');
	cr_assert_not(r->devices[0].major.set);
	cr_assert_str_eq(r->devices[0].access, "rwm");
	cr_assert(r->devices[1].allow);
	cr_assert_eq(r->devices[1].type, 'c');
	cr_assert_eq(r->devices[1].major.value, 10);
	cr_assert_eq(r->devices[1].minor.value, 229);
	cr_assert_not(r->devices[2].major.set, "-1 is the wildcard");
	cr_assert_not(r->devices[2].minor.set);

	cr_assert_eq(r->memory->limit.value, 536870912);
	cr_assert_eq(r->memory->reservation.value, -1);
	cr_assert_eq(r->memory->swap.value, INT64_MAX);
	cr_assert(r->memory->kernel_tcp.set);
	cr_assert_eq(r->memory->swappiness.value, 100);
	cr_assert(r->memory->disable_oom_killer.set && r->memory->disable_oom_killer.value);
	cr_assert(r->memory->use_hierarchy.set && !r->memory->use_hierarchy.value);
	cr_assert(r->memory->check_before_update.value);

	cr_assert_eq(r->cpu->shares.value, 1024);
	cr_assert_eq(r->cpu->quota.value, -1);
	cr_assert_eq(r->cpu->burst.value, 1000);
	cr_assert_eq(r->cpu->period.value, 100000);
	cr_assert_eq(r->cpu->realtime_runtime.value, 950000);
	cr_assert_eq(r->cpu->realtime_period.value, 1000000);
	cr_assert_str_eq(r->cpu->cpus, "2-3");
	cr_assert_str_eq(r->cpu->mems, "0-7");
	cr_assert_eq(r->cpu->idle.value, 1);

	cr_assert(r->pids_limit.set);
	cr_assert_eq(r->pids_limit.value, 32771);

	cr_assert_eq(r->block_io->weight.value, 10);
	cr_assert_eq(r->block_io->leaf_weight.value, 1000);
	cr_assert_eq(r->block_io->n_weight_device, 2);
	cr_assert_eq(r->block_io->weight_device[0].leaf_weight.value, 300);
	cr_assert_not(r->block_io->weight_device[1].leaf_weight.set);
	cr_assert_eq(r->block_io->n_throttle[THROTTLE_READ_BPS], 1);
	cr_assert_eq(r->block_io->throttle[THROTTLE_READ_BPS][0].rate, 600);
	cr_assert_eq(r->block_io->throttle[THROTTLE_WRITE_BPS][0].rate, UINT64_MAX);
	cr_assert_eq(r->block_io->throttle[THROTTLE_READ_IOPS][0].minor, 32);
	cr_assert_eq(r->block_io->n_throttle[THROTTLE_WRITE_IOPS], 2);
	cr_assert_eq(r->block_io->throttle[THROTTLE_WRITE_IOPS][1].rate, 100);

	cr_assert_eq(r->n_hugepage_limits, 2);
	cr_assert_str_eq(r->hugepage_limits[1].page_size, "64KB");
	cr_assert_eq(r->hugepage_limits[0].limit, 209715200);

	cr_assert_eq(r->net_class_id.value, 1048577);
	cr_assert_eq(r->n_net_priorities, 2);
	cr_assert_str_eq(r->net_priorities[1].name, "eth1");
	cr_assert_eq(r->net_priorities[1].priority, 1000);

	cr_assert_eq(r->n_rdma, 2);
	cr_assert_str_eq(r->rdma[0].device, "mlx5_1");
	cr_assert_eq(r->rdma[0].hca_handles.value, 3);
	cr_assert_eq(r->rdma[0].hca_objects.value, 10000);
	cr_assert_not(r->rdma[1].hca_handles.set);

	cr_assert_eq(r->n_unified, 2);
	cr_assert_str_eq(r->unified[1].key, "io.weight");
	cr_assert_str_eq(r->unified[1].value, "default 100");
}

Test(spec_parse, full_seccomp)
{
	_cleanup_spec_ struct husk_spec *s = parse_ok(full_config);
	const struct husk_seccomp *sc = s->linux_->seccomp;

	cr_assert_not_null(sc);
	cr_assert_eq(sc->default_action, SECCOMP_ACT_ERRNO);
	cr_assert_eq(sc->default_errno_ret.value, 1);
	cr_assert_str_eq(sc->architectures[1], "SCMP_ARCH_X86");
	cr_assert_str_eq(sc->flags[0], "SECCOMP_FILTER_FLAG_LOG");
	cr_assert_str_eq(sc->listener_path, "/run/agent.sock");
	cr_assert_str_eq(sc->listener_metadata, "meta");
	cr_assert_eq(sc->n_syscalls, 4);
	cr_assert_str_eq(sc->syscalls[0].names[1], "chmod");
	cr_assert_eq(sc->syscalls[0].action, SECCOMP_ACT_ALLOW);
	cr_assert_not(sc->syscalls[0].errno_ret.set);
	cr_assert_eq(sc->syscalls[1].errno_ret.value, 38);
	cr_assert_eq(sc->syscalls[1].n_args, 2);
	cr_assert_eq(sc->syscalls[1].args[0].value, UINT64_MAX);
	cr_assert_eq(sc->syscalls[1].args[0].value_two, 255);
	cr_assert_eq(sc->syscalls[1].args[0].op, SECCOMP_OP_MASKED_EQ);
	cr_assert_eq(sc->syscalls[1].args[1].index, 5);
	cr_assert_eq(sc->syscalls[1].args[1].op, SECCOMP_OP_NE);
	cr_assert_eq(sc->syscalls[2].action, SECCOMP_ACT_NOTIFY);
	cr_assert_eq(sc->syscalls[3].action, SECCOMP_ACT_KILL_THREAD);
}

/* `runc spec` output (runc 1.1, ociVersion 1.0.2-dev), verbatim apart from layout. */
static const char runc_default[] =
	"{'ociVersion':'1.0.2-dev','process':{'terminal':true,'user':{'uid':0,'gid':0},"
	"'args':['sh'],'env':['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',"
	"'TERM=xterm'],'cwd':'/','capabilities':{'bounding':['CAP_AUDIT_WRITE','CAP_KILL',"
	"'CAP_NET_BIND_SERVICE'],'effective':['CAP_AUDIT_WRITE','CAP_KILL','CAP_NET_BIND_SERVICE'],"
	"'permitted':['CAP_AUDIT_WRITE','CAP_KILL','CAP_NET_BIND_SERVICE'],'ambient':["
	"'CAP_AUDIT_WRITE','CAP_KILL','CAP_NET_BIND_SERVICE']},'rlimits':[{'type':'RLIMIT_NOFILE',"
	"'hard':1024,'soft':1024}],'noNewPrivileges':true},"
	"'root':{'path':'rootfs','readonly':true},"
	"'hostname':'runc','mounts':[{'destination':'/proc','type':'proc','source':'proc'},"
	"{'destination':'/dev','type':'tmpfs','source':'tmpfs','options':['nosuid','strictatime',"
	"'mode=755','size=65536k']},{'destination':'/dev/pts','type':'devpts','source':'devpts',"
	"'options':['nosuid','noexec','newinstance','ptmxmode=0666','mode=0620','gid=5']},"
	"{'destination':'/dev/shm','type':'tmpfs','source':'shm','options':['nosuid','noexec',"
	"'nodev','mode=1777','size=65536k']},{'destination':'/dev/mqueue','type':'mqueue',"
	"'source':'mqueue','options':['nosuid','noexec','nodev']},{'destination':'/sys',"
	"'type':'sysfs','source':'sysfs','options':['nosuid','noexec','nodev','ro']},"
	"{'destination':'/sys/fs/cgroup','type':'cgroup','source':'cgroup','options':['nosuid',"
	"'noexec','nodev','relatime','ro']}],'linux':{'resources':{'devices':[{'allow':false,"
	"'access':'rwm'}]},'namespaces':[{'type':'pid'},{'type':'network'},{'type':'ipc'},"
	"{'type':'uts'},{'type':'mount'}],'maskedPaths':['/proc/acpi','/proc/asound',"
	"'/proc/kcore','/proc/keys','/proc/latency_stats','/proc/timer_list','/proc/timer_stats',"
	"'/proc/sched_debug','/sys/firmware','/proc/scsi'],'readonlyPaths':['/proc/bus',"
	"'/proc/fs','/proc/irq','/proc/sys','/proc/sysrq-trigger']}}";

Test(spec_parse, runc_default_config)
{
	_cleanup_spec_ struct husk_spec *s = parse_ok(runc_default);

	cr_assert_str_eq(s->oci_version, "1.0.2-dev");
	cr_assert(s->process->terminal);
	cr_assert_eq(strv_length(s->process->capabilities->ambient), 3);
	cr_assert_null(s->process->capabilities->inheritable);
	cr_assert_eq(s->n_mounts, 7);
	cr_assert_str_eq(s->mounts[6].destination, "/sys/fs/cgroup");
	cr_assert_eq(s->linux_->n_namespaces, 5);
	cr_assert_null(spec_namespace(s, NS_USER));
	cr_assert_null(spec_namespace(s, NS_CGROUP));
	cr_assert_eq(s->linux_->resources->n_devices, 1);
	cr_assert_null(s->linux_->resources->memory);
	cr_assert_eq(strv_length(s->linux_->masked_paths), 10);
	cr_assert_null(s->linux_->seccomp);
	cr_assert_eq(s->hooks.count[HOOK_PRESTART], 0);
}

Test(spec_parse, minimal_config_defaults)
{
	_cleanup_spec_ struct husk_spec *s = parse_ok("{" BASE "}");

	cr_assert_str_eq(s->root_path, "rootfs");
	cr_assert_not(s->root_readonly);
	cr_assert_null(s->process);
	cr_assert_null(s->linux_);
	cr_assert_null(s->mounts);
	cr_assert_eq(s->n_mounts, 0);
	cr_assert_null(s->hostname);
	cr_assert_null(spec_namespace(s, NS_PID));
}

Test(spec_parse, unknown_fields_are_ignored)
{
	_cleanup_spec_ struct husk_spec *s = parse_ok(
		"{'ociVersion':'1.2.0','root':{'path':'r','future':[1,{'x':null}]},"
		"'windows':{'layerFolders':['C:\\\\x']},'vm':{'hypervisor':{'path':'/x'}},"
		"'process':{'args':['a'],'cwd':'/','brandNew':{'deep':[[[]]]},"
		" 'user':{'uid':1,'sid':'S-1'}},"
		"'linux':{'namespaces':[{'type':'pid','extra':true}],'unknownThing':42,"
		" 'resources':{'memory':{'limit':1048576,'whatever':'x'},'newController':{}}},"
		"'zzz':1e999}");

	cr_assert_str_eq(s->root_path, "r");
	cr_assert_eq(s->process->user.uid, 1);
	cr_assert_eq(s->linux_->n_namespaces, 1);
	cr_assert_eq(s->linux_->resources->memory->limit.value, 1048576);
}

Test(spec_parse, null_means_absent)
{
	_cleanup_spec_ struct husk_spec *s = parse_ok(
		CFG("'mounts':null,'hostname':null,'annotations':null,"
		    "'process':{'args':['a'],'cwd':'/','env':null,'capabilities':null,"
		    " 'oomScoreAdj':null},"
		    "'linux':{'namespaces':null,'resources':{'memory':{'limit':null}}}"));

	cr_assert_null(s->mounts);
	cr_assert_null(s->hostname);
	cr_assert_null(s->process->env);
	cr_assert_null(s->process->capabilities);
	cr_assert_not(s->process->oom_score_adj.set);
	cr_assert_eq(s->linux_->n_namespaces, 0);
	cr_assert_not(s->linux_->resources->memory->limit.set);
}

Test(spec_parse, empty_arrays_stay_distinct_from_absent)
{
	_cleanup_spec_ struct husk_spec *s = parse_ok(
		CFG("'mounts':[],'process':{'args':['a'],'cwd':'/','env':[]},"
		    "'linux':{'maskedPaths':[],'namespaces':[]}"));

	cr_assert_not_null(s->mounts);
	cr_assert_eq(s->n_mounts, 0);
	cr_assert_not_null(s->process->env);
	cr_assert_null(s->process->env[0]);
	cr_assert_not_null(s->linux_->masked_paths);
	cr_assert_null(s->linux_->readonly_paths);
}

Test(spec_parse, number_edges)
{
	_cleanup_spec_ struct husk_spec *s = parse_ok(
		CFG("'process':{'args':['a'],'cwd':'/','user':{'uid':4294967295,'gid':0},"
		    " 'rlimits':[{'type':'RLIMIT_AS','soft':18446744073709551615,"
		    "  'hard':18446744073709551615}]},"
		    "'linux':{'resources':{'memory':{'limit':9223372036854775807,"
		    "  'swap':-1}}}"));

	cr_assert_eq(s->process->user.uid, UINT32_MAX);
	cr_assert_eq(s->process->rlimits[0].soft, UINT64_MAX);
	cr_assert_eq(s->linux_->resources->memory->limit.value, INT64_MAX);
	cr_assert_eq(s->linux_->resources->memory->swap.value, -1);
}

Test(spec_parse, unicode_strings)
{
	_cleanup_spec_ struct husk_spec *s = parse_ok(
		CFG("'hostname':'h\\u00e9',"
		    "'annotations':{'k\\u2603':'\\ud83d\\ude00 \\\"q\\\" \\\\ \\/'}"));

	cr_assert_str_eq(s->hostname, "h\xc3\xa9");
	cr_assert_str_eq(s->annotations[0].key, "k\xe2\x98\x83");
	cr_assert_str_eq(s->annotations[0].value, "\xf0\x9f\x98\x80 \"q\" \\ /");
}

Test(spec_parse, ns_type_names)
{
	cr_assert_str_eq(spec_ns_type_name(NS_PID), "pid");
	cr_assert_str_eq(spec_ns_type_name(NS_NETWORK), "network");
	cr_assert_str_eq(spec_ns_type_name(NS_MOUNT), "mount");
	cr_assert_str_eq(spec_ns_type_name(NS_IPC), "ipc");
	cr_assert_str_eq(spec_ns_type_name(NS_UTS), "uts");
	cr_assert_str_eq(spec_ns_type_name(NS_USER), "user");
	cr_assert_str_eq(spec_ns_type_name(NS_CGROUP), "cgroup");
	cr_assert_str_eq(spec_ns_type_name(NS_TIME), "time");
	cr_assert_str_eq(spec_ns_type_name(NS_TYPE_COUNT), "unknown");
}

Test(spec_parse, helpers_accept_null)
{
	cr_assert_null(spec_namespace(NULL, NS_PID));
	cr_assert_null(spec_annotation(NULL, "x"));
	spec_free(NULL);
	spec_process_free(NULL);
	state_file_free(NULL);
}

Test(spec_parse, whitespace_around_document)
{
	_cleanup_spec_ struct husk_spec *s = parse_ok(" \r\n\t{" BASE "}\n\n");

	cr_assert_str_eq(s->oci_version, "1.2.0");
}
