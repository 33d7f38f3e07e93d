# The agent's job in Puppet, for the peer benchmark (src/bench/peers/README.md):
# warehouse at the newest version from the apt sources (the agent's own list, same repository),
# config.yml from the same data, warehouse-web restarted when either changed.
# `release` comes from the environment as a fact (FACTER_release), as the agent's comes from an
# attribute file.
exec { 'apt-get update':
  # Puppet's apt provider never refreshes the index: without this it would not see a new version.
  command => '/usr/bin/apt-get -qq update',
}

package { 'warehouse':
  ensure  => latest,
  require => Exec['apt-get update'],
}

file { '/opt/warehouse/etc/config.yml':
  ensure  => file,
  owner   => 'root',
  group   => 'root',
  mode    => '0640',
  content => inline_epp(file("${facts['peers_dir']}/config.yml.epp"), {
    'release' => $facts['release'],
  }),
  require => Package['warehouse'],
}

service { 'warehouse-web':
  ensure    => running,
  enable    => true,
  subscribe => [Package['warehouse'], File['/opt/warehouse/etc/config.yml']],
}
