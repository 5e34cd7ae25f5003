// Every keyword OpenSSH 9.2 accepts in ssh_config: its table, aliases and
// deprecated names included (read off `ssh -G` for each word of the ssh
// binary). These are read and, unless asyncfetch uses them, ignored; any
// other keyword is an error, as in OpenSSH.
#include "ssh_config_values.hpp"

#include <algorithm>
#include <array>

namespace asyncfetch::ssh {

namespace {

// clang-format off
constexpr std::array<std::string_view, 131> openssh_keywords = {
    "addkeystoagent", "addressfamily", "afstokenpassing", "batchmode", "bindaddress",
    "bindinterface", "canonicaldomains", "canonicalizefallbacklocal", "canonicalizehostname",
    "canonicalizemaxdots", "canonicalizepermittedcnames", "casignaturealgorithms",
    "certificatefile", "challengeresponseauthentication", "checkhostip", "cipher", "ciphers",
    "clearallforwardings", "compression", "compressionlevel", "connectionattempts",
    "connecttimeout", "controlmaster", "controlpath", "controlpersist", "dsaauthentication",
    "dynamicforward", "enableescapecommandline", "enablesshkeysign", "escapechar",
    "exitonforwardfailure", "fallbacktorsh", "fingerprinthash", "forkafterauthentication",
    "forwardagent", "forwardx11", "forwardx11timeout", "forwardx11trusted", "gatewayports",
    "globalknownhostsfile", "globalknownhostsfile2", "gssapiauthentication",
    "gssapiclientidentity", "gssapidelegatecredentials", "gssapikexalgorithms",
    "gssapikeyexchange", "gssapirenewalforcesrekey", "gssapiserveridentity", "gssapitrustdns",
    "hashknownhosts", "host", "hostbasedacceptedalgorithms", "hostbasedauthentication",
    "hostbasedkeytypes", "hostkeyalgorithms", "hostkeyalias", "hostname", "identitiesonly",
    "identityagent", "identityfile", "identityfile2", "ignoreunknown", "include", "ipqos",
    "kbdinteractiveauthentication", "kbdinteractivedevices", "keepalive", "kerberosauthentication",
    "kerberostgtpassing", "kexalgorithms", "knownhostscommand", "localcommand", "localforward",
    "loglevel", "logverbose", "macs", "match", "nohostauthenticationforlocalhost",
    "numberofpasswordprompts", "passwordauthentication", "permitlocalcommand", "permitremoteopen",
    "pkcs11provider", "port", "preferredauthentications", "protocol", "protocolkeepalives",
    "proxycommand", "proxyjump", "proxyusefdpass", "pubkeyacceptedalgorithms",
    "pubkeyacceptedkeytypes", "pubkeyauthentication", "rekeylimit", "remotecommand",
    "remoteforward", "requesttty", "requiredrsasize", "revokedhostkeys", "rhostsauthentication",
    "rhostsrsaauthentication", "rsaauthentication", "securitykeyprovider", "sendenv",
    "serveralivecountmax", "serveraliveinterval", "sessiontype", "setenv", "setuptimeout",
    "skeyauthentication", "smartcarddevice", "stdinnull", "streamlocalbindmask",
    "streamlocalbindunlink", "stricthostkeychecking", "syslogfacility", "tcpkeepalive",
    "tisauthentication", "tunnel", "tunneldevice", "updatehostkeys", "useblacklistedkeys",
    "useprivilegedport", "user", "userknownhostsfile", "userknownhostsfile2", "useroaming",
    "usersh", "verifyhostkeydns", "visualhostkey", "xauthlocation",
};
// clang-format on

} // namespace

bool is_openssh_keyword(std::string_view keyword) {
    return std::binary_search(openssh_keywords.begin(), openssh_keywords.end(), keyword);
}

} // namespace asyncfetch::ssh
