/** Devices: 'cpu', 'cuda', 'cuda:N'. */
import { DeviceError, argError } from './errors';

export type DeviceType = 'cpu' | 'cuda';

export class Device {
  constructor(readonly type: DeviceType, readonly index: number | null = null) {}
  toString(): string {
    return this.index === null ? this.type : `${this.type}:${this.index}`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `device(type='${this.type}'${this.index === null ? '' : `, index=${this.index}`})`;
  }
}

export type DeviceLike = Device | string;

/** `torch.device('cuda:0')`. */
export function device(spec: DeviceLike): Device {
  if (spec instanceof Device) return spec;
  if (typeof spec !== 'string') throw argError('device', "'cpu', 'cuda' or 'cuda:N'", spec);
  const m = /^(cpu|cuda)(?::(\d+))?$/.exec(spec);
  if (!m) throw new DeviceError(`Expected one of cpu, cuda device type at start of device string: ${spec}`);
  return new Device(m[1] as DeviceType, m[2] === undefined ? null : Number(m[2]));
}

export const CPU = new Device('cpu');

/** Resolves a device for a new tensor; CUDA needs a build with CUDA and a usable GPU. */
export function resolveDevice(spec: DeviceLike | undefined): Device {
  if (spec === undefined) return CPU;
  const d = device(spec);
  if (d.type === 'cuda') {
    throw new DeviceError(
      `Cannot place a tensor on ${d}: this build of kindling has no CUDA support ` +
        `(torch.cuda.isAvailable() is false); use the 'cpu' device.`,
    );
  }
  return CPU;
}
