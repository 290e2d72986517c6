export declare function nginxConf(o: {
  listen: string;
  upstreams: string[];
  prefix?: string;
  workerConnections?: number;
}): string;
