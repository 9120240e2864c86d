import { Injectable } from '@nestjs/common';

/** Whether the RAG tools serve, and if not, why (set once at boot by RagToolsRegistrar). */
@Injectable()
export class RagStoreStatus {
  enabled = false;
  reason = 'not started';

  set(enabled: boolean, reason: string): void {
    this.enabled = enabled;
    this.reason = reason;
  }
}
