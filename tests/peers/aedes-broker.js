'use strict'
// A second, independent MQTT broker for the mqpub tests: aedes (MQTT 3.1.1) on 127.0.0.1.
// usage: node aedes-broker.js PORTFILE [--user U --password P] [--max-payload N] [--drop-qos2]
//   PORTFILE  gets the port it listens on (the kernel picks a free one: no race), once ready
//   --user/--password  only this client may connect (else anyone)
//   --max-payload N    a PUBLISH with a larger payload is refused: aedes closes the connection
//   --drop-qos2        stand-in for a broker that accepts the connection and drops it when a
//                      QoS 2 message comes (RabbitMQ's MQTT plugin); aedes itself does not
// Each accepted connection is logged on stdout ("client ID MILLISECONDS"), for reconnect counts.
const fs = require('fs')
const net = require('net')
const aedes = require('aedes')

const args = process.argv.slice(2)
const portFile = args.shift()
const opt = {}
while (args.length) {
  const k = args.shift()
  if (k === '--drop-qos2') opt.dropQos2 = true
  else opt[k.replace(/^--/, '')] = args.shift()
}

const broker = aedes({
  maxClientsIdLength: 65535,
  authenticate (client, user, pass, cb) {
    if (opt.user === undefined) return cb(null, true)
    const ok = user === opt.user && pass !== undefined && pass.toString() === opt.password
    if (ok) return cb(null, true)
    const e = new Error('not authorized')
    e.returnCode = 5
    cb(e, null)
  },
  authorizePublish (client, packet, cb) {
    if (client && opt['max-payload'] !== undefined && packet.payload.length > Number(opt['max-payload'])) {
      return cb(new Error('payload too large'))
    }
    if (client && opt.dropQos2 && packet.qos === 2) {
      // Accepted as a connection, dropped on the message: never acknowledged.
      return cb(new Error('stand-in: connection dropped'))
    }
    cb(null)
  }
})
broker.on('client', (c) => process.stdout.write(`client ${c.id} ${Date.now()}\n`))

const server = net.createServer(broker.handle)
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(portFile + '.tmp', String(server.address().port) + '\n')
  fs.renameSync(portFile + '.tmp', portFile)
})
const stop = () => server.close(() => broker.close(() => process.exit(0)))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
