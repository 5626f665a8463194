// C-ECHO SCU (PS3.7 §9.1.5): the response, whatever its status.
import type { Association } from '../../net';
import { cEchoRq, VERIFICATION_SOP_CLASS_UID, type CEchoRsp } from '../commands';
import { DimseChannel } from '../channel/dimse-channel';
import { selectPresentationContext } from './select-context';

export async function echo(association: Association): Promise<CEchoRsp> {
  const context = selectPresentationContext(association, VERIFICATION_SOP_CLASS_UID);
  const responses = DimseChannel.of(association).request(context.id, (messageId) => cEchoRq({ messageId }));
  return (await responses.final).command as CEchoRsp;
}
